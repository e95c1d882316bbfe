# Libraries that drive a command-line tool: the call names no program, but
# the library starts one (`starts` in rules/exec.toml). Each needs its tool
# in the image, like a subprocess call would.
import shutil

import ffmpeg
import graphviz
import pdfkit
import pytesseract
from pdf2image import convert_from_path
from pydub import AudioSegment
from pytesseract import TesseractNotFoundError


def ocr(image):
    return pytesseract.image_to_string(image)  # expect: DL301/error


def unstructured_ocr(image):
    import unstructured_pytesseract

    return unstructured_pytesseract.image_to_data(image)  # expect: DL301/error


def osd(image):
    return pytesseract.pytesseract.image_to_osd(image)  # expect: DL301/error


def pages(path):
    return convert_from_path(path, dpi=150)  # expect: DL301/error


def invoice(url):
    pdfkit.from_url(url, "invoice.pdf")  # expect: DL301/error


def duration(path):
    return ffmpeg.probe(path)  # expect: DL301/error


def duration_with_bundled_probe(path):
    # cmd= names the program: a path the image does not have either.
    return ffmpeg.probe(path, cmd="/opt/ffmpeg/bin/ffprobe")  # expect: DL301/error


def transcode(stream):
    ffmpeg.run(stream, cmd="ffmpeg")  # expect: DL301/error


def diagram(path):
    graphviz.render("neato", "svg", path)  # expect: DL301/error


def layout_version():
    return graphviz.version()  # expect: DL301/error


def song(path):
    return AudioSegment.from_mp3(path)  # expect: DL301/error


# pydub reads WAV and raw audio itself: no ffmpeg needed.
def recording(path):
    return AudioSegment.from_wav(path)  # ok: pydub decodes WAV in Python


def raw(path):
    return AudioSegment.from_raw(path, sample_width=2, frame_rate=44100, channels=1)  # ok: raw PCM


# Building a graph or a filter chain starts nothing; only running it does.
def chain(path):
    return ffmpeg.input(path).output("out.mp4")  # ok: ffmpeg.input only builds the graph


def dot_source(text):
    return graphviz.Source(text)  # ok: a Source object starts nothing until rendered


def options():
    return pdfkit.configuration(wkhtmltopdf="/usr/local/bin/wkhtmltopdf")  # ok: configuration is not a conversion


def wanted_output():
    return pytesseract.Output.DICT  # ok: an attribute, not a call


# Guarded and caught: what happens instead is a note.
def ocr_if_available(image):
    if shutil.which("tesseract"):  # expect: DL303/info
        return pytesseract.image_to_string(image)  # expect: DL301/info
    return ""


def ocr_or_nothing(image):
    try:
        return pytesseract.image_to_string(image)  # expect: DL301/info
    except TesseractNotFoundError:
        return ""


def pages_or_none(path):
    try:
        return convert_from_path(path)  # expect: DL301/info
    except Exception:
        return None


# The program is the image's own Python: nothing is missing.
def probe_with_python(path):
    return ffmpeg.probe(path, cmd="python3")  # ok: the image has python3


# A function of the application that happens to share a library's name.
def image_to_string(image):
    return str(image)


def local_ocr(image):
    return image_to_string(image)  # ok: the application's own function


def shadowed(graphviz):
    return graphviz.render("dot", "png", "x.gv")  # ok: a parameter, not the module


def settings():
    pytesseract.pytesseract.tesseract_cmd = "/usr/local/bin/tesseract"  # ok: an assignment starts nothing


OCR = pytesseract.image_to_string  # ok: a reference, not a call


def pause():
    return AudioSegment.silent(duration=1000)  # ok: generated in Python


def nothing():
    return AudioSegment.empty()  # ok: generated in Python


def tesseract_languages_known():
    return pytesseract.Output.STRING  # ok: an attribute, not a call
