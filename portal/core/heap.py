"""Short garbage-collector passes in a web process: what start-up and the first requests built is set aside.

CPython's collector finds reference cycles by walking every object it tracks. A web process tracks a quarter
of a million objects that live as long as it does (modules, URL patterns, models' metadata, compiled
templates, translation catalogues), and each full pass walked all of them: measured in one process serving
signed-in pages, a full pass every few thousand requests stopped every thread of the process for 100–270 ms,
the slowest hundredth of its answers (docs/BENCHMARKS.md, "Sixteenth session"). `gc.freeze()` moves every
tracked object to a generation the collector never walks; objects made later are collected as before.

The process settles twice: when the application is built, and once after its first requests, which compile
the templates and fill the per-process memories. Each time a full collection runs first, so that no garbage
is set aside with the living objects. What was frozen and later dropped is still freed by reference counting;
only a cycle among such objects would stay, and the second settling comes early enough that the memories set
aside then are the ones a process keeps.
"""

import gc
import threading

# The first requests of a process compile every template a page uses and fill its memories of URL
# resolutions, readers and personal parts; a few thousand cover the pages of a whole visit many times.
SETTLE_AFTER_REQUESTS = 2000


def settle() -> None:
    """Collects what is garbage now, then sets aside every object still tracked."""
    gc.collect()
    gc.freeze()


class SettlesOnce:
    """Counts the requests a process serves and settles its heap once, after `after` of them."""

    def __init__(self, after: int = SETTLE_AFTER_REQUESTS):
        self.after = after
        self._served = 0
        self._lock = threading.Lock()

    def request_served(self) -> None:
        if self._served >= self.after:
            return
        with self._lock:
            self._served += 1
            if self._served == self.after:
                settle()

    def settle_now(self) -> None:
        """Settles at once, not after the first requests: a benchmark that warmed the process itself."""
        with self._lock:
            if self._served < self.after:
                self._served = self.after
                settle()
