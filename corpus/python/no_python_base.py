# distrolint-corpus: base=no-python
"""On a base without Python, even sys.executable is missing."""
import subprocess
import sys

subprocess.run([sys.executable, "-V"])  # expect: DL301
subprocess.run(["python3", "-V"])  # expect: DL301
subprocess.run(["ls"])  # expect: DL301
print(sys.version)  # ok: not a process call
