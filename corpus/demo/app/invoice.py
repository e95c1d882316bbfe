"""A small invoicing service, as it was written for a full Debian image."""

import os
import subprocess as sp
import sys


def render_pdf(html_path, pdf_path):
    # wkhtmltopdf is not in any distroless image, and there is no shell.
    os.system(f"wkhtmltopdf {html_path} {pdf_path}")


def current_revision():
    return sp.check_output(["git", "rev-parse", "HEAD"]).decode().strip()


def run_migrations():
    # The interpreter itself is always there.
    return sp.run([sys.executable, "-m", "invoice.migrate"], check=True)
