#!/usr/bin/env python3
"""Reads a `secr report` page, as written or as a browser's DOM (`chromium --dump-dom`), and
prints what it shows as JSON, for the tests to assert on: the key x environment cells, the
access matrix, the audit rows, the problems, the integrity facts, and everything the page
would load or run (scripts, external URLs, event handlers), which must be nothing.

usage: report_dom.py FILE   (or the page on stdin)
"""
import json
import sys
from html.parser import HTMLParser


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class ReportReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.keys, self.access, self.events, self.findings = {}, {}, [], []
        self.sections, self.ids, self.scripts, self.external, self.handlers = [], {}, 0, [], []
        # Open elements, and the text of every element with an id (closed ones kept).
        self.tags, self.open_ids, self.id_text = [], [], {}
        self.row, self.cell, self.table = None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(name)
            if name in ("src", "href", "action", "srcset", "poster", "data") and value and not value.startswith("#"):
                self.external.append(value)
        if tag in ("script", "iframe", "object", "embed", "img", "link", "base", "form"):
            self.scripts += tag == "script"
            if tag != "script":
                self.external.append("<%s>" % tag)
        if tag in VOID:
            return
        self.tags.append(tag)
        if "id" in a:
            self.open_ids.append((a["id"], len(self.tags)))
            self.id_text[a["id"]] = []
        if tag == "section":
            self.sections.append(a.get("id"))
        if tag == "table":
            self.table = a.get("id")
        elif tag == "tr":
            self.row = a
            if self.table == "key-matrix" and "data-key" in a:
                self.keys[a["data-key"]] = {"class": a.get("class", ""), "cells": {}, "text": []}
            elif self.table == "access-matrix" and "data-member" in a:
                self.access[a["data-member"]] = {"role": a.get("data-role"), "machine": a.get("data-machine") == "true", "cells": {}, "text": []}
            elif self.table == "audit-events" and "data-verified" in a:
                self.events.append({"verified": a["data-verified"] == "true", "permitted": a["data-permitted"] == "true", "text": []})
            elif self.table == "findings" and "data-check" in a:
                self.findings.append({"check": a["data-check"], "severity": a["data-severity"], "text": []})
        elif tag in ("td", "th") and self.row is not None:
            self.cell = a
            if self.table == "key-matrix" and "data-env" in a and "data-key" in self.row:
                self.keys[self.row["data-key"]]["cells"][a["data-env"]] = {
                    "state": a.get("data-state"), "version": a.get("data-version"), "signer": a.get("data-signer"),
                    "values": a.get("data-values"), "class": a.get("class", ""), "text": []}
            elif self.table == "access-matrix" and "data-env" in a and "data-member" in self.row:
                self.access[self.row["data-member"]]["cells"][a["data-env"]] = a.get("data-access")

    def handle_endtag(self, tag):
        if tag not in self.tags:
            return
        while self.tags.pop() != tag:
            pass
        self.open_ids = [(i, depth) for i, depth in self.open_ids if depth <= len(self.tags)]
        if tag == "table":
            self.table = None
        elif tag == "tr":
            self.row = None
        elif tag in ("td", "th"):
            self.cell = None

    def handle_data(self, data):
        for identifier, _ in self.open_ids:
            self.id_text[identifier].append(data)
        if self.row is None:
            return
        target = None
        if self.table == "key-matrix" and "data-key" in self.row:
            row = self.keys[self.row["data-key"]]
            target = row["cells"][self.cell["data-env"]]["text"] if self.cell and "data-env" in self.cell else row["text"]
        elif self.table == "access-matrix" and "data-member" in self.row:
            target = self.access[self.row["data-member"]]["text"]
        elif self.table == "audit-events" and self.events:
            target = self.events[-1]["text"]
        elif self.table == "findings" and self.findings:
            target = self.findings[-1]["text"]
        if target is not None:
            target.append(data)


def squash(value):
    """Joins every collected "text" into one string with single spaces."""
    if isinstance(value, dict):
        return {k: " ".join(" ".join(v).split()) if k == "text" else squash(v) for k, v in value.items()}
    if isinstance(value, list):
        return [squash(v) for v in value]
    return value


def main():
    text = open(sys.argv[1], encoding="utf-8").read() if len(sys.argv) > 1 else sys.stdin.read()
    reader = ReportReader()
    reader.feed(text)
    reader.close()
    ids = {identifier: " ".join(" ".join(parts).split()) for identifier, parts in reader.id_text.items()}
    print(json.dumps(squash({
        "sections": reader.sections, "keys": reader.keys, "access": reader.access, "events": reader.events,
        "findings": reader.findings, "scripts": reader.scripts, "external": reader.external, "handlers": reader.handlers,
        "root": ids.get("roster-root"), "head": ids.get("roster-head"), "pin": ids.get("pin"), "verification": ids.get("verification"),
    }), indent=1))


if __name__ == "__main__":
    main()
