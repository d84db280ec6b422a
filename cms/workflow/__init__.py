"""Editorial review: per-site workflows, the automatic content check, emergency publishing."""
