"""The government information disclosure catalogue (政府信息公开目录)."""
