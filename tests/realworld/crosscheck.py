#!/usr/bin/env python3
"""Cross-check of the endoflife.date fixture with a second JSON Schema implementation.

Counts the product pages whose frontmatter breaks product-schema.json according to the Python
`jsonschema` package (draft 2020-12, formats asserted), reading YAML with YAML 1.2 core rules
(PyYAML's YAML 1.1 resolvers for timestamps and yes/no/on/off booleans are removed, as in
kblint). tests/realworld.rs pins the same count for kblint.

    pip install jsonschema pyyaml rfc3987   # rfc3987: without it `format: uri` is not checked
    python3 tests/realworld/crosscheck.py tests/realworld/endoflife
"""
import json
import os
import re
import sys

import jsonschema
import yaml


class Core12Loader(yaml.SafeLoader):
    pass


Core12Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Core12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def main():
    root = sys.argv[1]
    schema = json.load(open(os.path.join(root, "product-schema.json")))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    bad = 0
    folder = os.path.join(root, "products")
    for name in sorted(os.listdir(folder)):
        text = open(os.path.join(folder, name), encoding="utf-8").read()
        front = text.split("\n---\n", 1)[0].removeprefix("---\n")
        data = yaml.load(front, Loader=Core12Loader)
        if any(True for _ in validator.iter_errors(data)):
            bad += 1
    print(f"{bad} files with schema findings")


if __name__ == "__main__":
    main()
