"""Tasks that fail on purpose, for the worker tests (importable by the worker's process)."""

from django_tasks import task


@task()
def always_fails(marker: str) -> None:
    raise RuntimeError(f"模拟故障 {marker}")


@task(takes_context=True)
def fails_on_first_attempt(context) -> int:
    if context.attempt < 2:
        raise ConnectionError("第一次执行时连接中断")
    return context.attempt
