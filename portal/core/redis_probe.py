"""Is Redis there? One short probe, shared by the health check, `make run`, test settings and tests.

Imports nothing from Django, so settings modules may use it.
"""

import redis


def redis_answers(url: str, timeout: float = 1.0) -> bool:
    if not url:
        return False
    client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        client.ping()
    except redis.RedisError:
        return False
    finally:
        client.close()
    return True
