# -*- coding: utf-8 -*-
"""Python 2 code still shipped in some packages: parsed by the fallback."""
import os
import sys
import commands

print "starting"  # ok: a Python 2 print statement
status, out = commands.getstatusoutput("svn info")  # expect: DL201, DL301
exec "x = 1"  # ok: a Python 2 exec statement
os.system("make")  # expect: DL201, DL301
try:
    pass
except OSError, e:  # ok: Python 2 except syntax
    print e  # ok: print statement
print >>sys.stderr, "x"  # ok: print to a file


def f(cmd):
    return os.popen(cmd).read()  # expect: DL201


def g(self):
    self.system("ls")  # ok: a method
