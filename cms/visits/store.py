"""Where the live counters are: the Redis of the cache (``REDIS_URL``).

Without ``REDIS_URL`` (``make run`` on SQLite) there is no Redis: a small stand-in in
this process's memory keeps the commands the counters use, so the demo counts too.
Its HyperLogLogs are plain sets (exact) and nothing is shared between processes, so it
is for a single development server only: any deployment of more than one process
needs ``REDIS_URL`` (``docs/monitoring.md``).
"""

from __future__ import annotations

import fnmatch
import threading
from typing import Any

from django.conf import settings


def redis() -> Any:
    """A Redis client (redis-py) on the cache's server, or the in-process stand-in."""
    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        from django_redis import get_redis_connection

        return get_redis_connection("default")
    return _memory


class _MemoryRedis:
    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.lock = threading.Lock()

    def pipeline(self, transaction: bool = False) -> _MemoryPipeline:
        return _MemoryPipeline(self)

    def set(self, key: str, value: Any, nx: bool = False, ex: int | None = None) -> bool:
        with self.lock:
            if nx and key in self.data:
                return False
            self.data[key] = str(value).encode()
            return True

    def get(self, key: str) -> Any:
        return self.data.get(key)

    def hincrby(self, key: str, field: str, amount: int) -> int:
        with self.lock:
            table = self.data.setdefault(key, {})
            table[field] = int(table.get(field, 0)) + amount
            return table[field]

    def hsetnx(self, key: str, field: str, value: Any) -> int:
        with self.lock:
            table = self.data.setdefault(key, {})
            if field in table:
                return 0
            table[field] = int(value)
            return 1

    def hget(self, key: str, field: str) -> Any:
        value = self.data.get(key, {}).get(field)
        return None if value is None else str(value).encode()

    def hgetall(self, key: str) -> dict[bytes, bytes]:
        return {f.encode(): str(v).encode() for f, v in dict(self.data.get(key, {})).items()}

    def hdel(self, key: str, *fields: str) -> int:
        with self.lock:
            table = self.data.get(key, {})
            return sum(table.pop(field, None) is not None for field in fields)

    def hmget(self, key: str, fields: list[str]) -> list:
        return [self.hget(key, field) for field in fields]

    def sadd(self, key: str, *members: str) -> int:
        with self.lock:
            members_set = self.data.setdefault(key, set())
            before = len(members_set)
            members_set.update(members)
            return len(members_set) - before

    def smembers(self, key: str) -> set[bytes]:
        return {str(m).encode() for m in set(self.data.get(key, ()))}

    def srem(self, key: str, *members: str) -> int:
        with self.lock:
            members_set = self.data.get(key, set())
            return sum(1 for m in members if m in members_set and not members_set.discard(m))

    def pfadd(self, key: str, *members: str) -> int:
        with self.lock:
            members_set = self.data.setdefault(key, set())
            before = len(members_set)
            members_set.update(members)
            return int(len(members_set) > before)

    def pfcount(self, key: str) -> int:
        return len(self.data.get(key, ()))

    def expire(self, key: str, seconds: int) -> bool:
        return key in self.data  # the stand-in lives as long as the process

    def delete(self, *keys: str) -> int:
        with self.lock:
            return sum(self.data.pop(key, None) is not None for key in keys)

    def scan_iter(self, match: str, count: int | None = None):
        return [key.encode() for key in list(self.data) if fnmatch.fnmatchcase(key, match)]


class _MemoryPipeline:
    def __init__(self, target: _MemoryRedis) -> None:
        self.target = target
        self.calls: list[tuple[str, tuple, dict]] = []

    def __getattr__(self, name: str):
        def queue(*args, **kwargs):
            self.calls.append((name, args, kwargs))
            return self

        return queue

    def execute(self) -> list[Any]:
        calls, self.calls = self.calls, []
        return [getattr(self.target, name)(*args, **kwargs) for name, args, kwargs in calls]


_memory = _MemoryRedis()
