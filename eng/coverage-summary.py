#!/usr/bin/env python3
"""Prints line and branch coverage per Ccx.Dns package, merged over every test project's Cobertura report.

Usage: coverage-summary.py DIR  (DIR holds the coverage.cobertura.xml files `dotnet test --collect "XPlat Code Coverage"`
wrote, at any depth). A line counts as covered when any test project's run hit it; a branch condition likewise.
"""
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET

if len(sys.argv) != 2:
    sys.exit("usage: coverage-summary.py DIR")

lines = {}     # (package, file, line) -> hit in any report
branches = {}  # (package, file, line, condition) -> covered in any report
reports = glob.glob(os.path.join(sys.argv[1], "**", "coverage.cobertura.xml"), recursive=True)
for report in reports:
    root = ET.parse(report).getroot()
    for package in root.iter("package"):
        name = package.get("name", "")
        if not name.startswith("Ccx.Dns") or name.endswith(".Tests") or name in ("Ccx.Dns.TestServers", "Ccx.Dns.Benchmarks") or ".Samples." in name:
            continue
        for cls in package.iter("class"):
            filename = cls.get("filename", "")
            for line in cls.iter("line"):
                key = (name, filename, int(line.get("number", "0")))
                lines[key] = lines.get(key, False) or int(line.get("hits", "0")) > 0
                if line.get("branch") == "True":
                    # condition-coverage="50% (1/2)": count the covered conditions of the line.
                    match = re.search(r"\((\d+)/(\d+)\)", line.get("condition-coverage", ""))
                    if match:
                        covered, total = int(match.group(1)), int(match.group(2))
                        for i in range(total):
                            bkey = key + (i,)
                            branches[bkey] = branches.get(bkey, False) or i < covered

if not lines:
    print(f"coverage: no Cobertura reports under {sys.argv[1]}")
    sys.exit(0)

def table(items):
    per = {}
    for key, hit in items.items():
        covered, total = per.get(key[0], (0, 0))
        per[key[0]] = (covered + (1 if hit else 0), total + 1)
    return per

line_per = table(lines)
branch_per = table(branches)
width = max(len(p) for p in line_per)
print(f"{'package'.ljust(width)}  {'lines':>17}  {'branches':>17}")
for package in sorted(line_per):
    lc, lt = line_per[package]
    bc, bt = branch_per.get(package, (0, 0))
    bpct = f"{100.0 * bc / bt:5.1f}%" if bt else "   - "
    print(f"{package.ljust(width)}  {lc:>6}/{lt:<6} {100.0 * lc / lt:5.1f}%  {bc:>6}/{bt:<6} {bpct}")
lc = sum(c for c, _ in line_per.values()); lt = sum(t for _, t in line_per.values())
bc = sum(c for c, _ in branch_per.values()); bt = sum(t for _, t in branch_per.values())
print(f"{'all'.ljust(width)}  {lc:>6}/{lt:<6} {100.0 * lc / lt:5.1f}%  {bc:>6}/{bt:<6} {100.0 * bc / max(bt, 1):5.1f}%")
