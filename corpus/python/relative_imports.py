# distrolint-corpus: module=asyncio.corpus_helper
"""Relative imports resolved with the file's module path (asyncio.corpus_helper)."""
from . import subprocess as aio  # ok: import
from .subprocess import create_subprocess_shell  # ok: import
from .. import os  # ok: above the top-level package, unresolvable


async def main():
    await aio.create_subprocess_exec("git")  # expect: DL301
    await create_subprocess_shell("ls")  # expect: DL201, DL301
    os.system("ls")  # ok: `os` could not be resolved
    await aio.create_subprocess_exec("python3")  # ok: ships
