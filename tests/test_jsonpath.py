"""Kubernetes JSONPath dialect (staticapi.jsonpath).

The table-driven cases are upstream's own: kubernetes/kubernetes
staging/src/k8s.io/client-go/util/jsonpath/{jsonpath_test.go, parser_test.go,
empty_array_test.go}, rewritten here as data.  Go structs in those tests become dicts with the
same keys (field order kept); where upstream prints a struct as JSON in field order, the
expectation below is the one Go's json.Marshal gives for a map (sorted keys).
"""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from staticapi.kube.jsonpath import (
    JSONPathError,
    compile_path,
    compile_template,
    format_value,
    go_format_float,
    go_json_marshal,
)


def run(template: str, data, allow_missing: bool = False) -> str:
    return compile_template(template).execute(data, allow_missing_keys=allow_missing)


# --------------------------------------------------------------------------- TestTypesInput

TYPES = {
    "bools": [True, False, True, False],
    "integers": [1, 2, 3, 4],
    "floats": [1.0, 2.2, 3.3, 4.0],
    "strings": ["one", "two", "three", "four"],
    "interfaces": [True, "one", 1, 1.1],
    "maps": [
        {"name": "one", "value": 1},
        {"name": "two", "value": 2.02},
        {"name": "three", "value": 3.03},
        {"name": "four", "value": 4.04},
    ],
}

TYPES_CASES = [
    ("{ .bools }", "[true,false,true,false]"),
    ("{ .bools[0] }", "true"),
    ("{ .bools[-1] }", "false"),
    ("{ .bools[0:2] }", "true false"),
    ("{ .bools[:2] }", "true false"),
    ("{ .bools[:4:2] }", "true true"),
    ("{ .integers }", "[1,2,3,4]"),
    ("{ .integers[0] }", "1"),
    ("{ .integers[-2] }", "3"),
    ("{ .integers[0:2] }", "1 2"),
    ("{ .integers[:2] }", "1 2"),
    ("{ .integers[:4:2] }", "1 3"),
    ("{ .floats }", "[1,2.2,3.3,4]"),
    ("{ .floats[0] }", "1"),
    ("{ .floats[-2] }", "3.3"),
    ("{ .floats[0:2] }", "1 2.2"),
    ("{ .floats[:2] }", "1 2.2"),
    ("{ .floats[:4:2] }", "1 3.3"),
    ("{ .strings }", '["one","two","three","four"]'),
    ("{ .strings[0] }", "one"),
    ("{ .strings[-2] }", "three"),
    ("{ .strings[0:2] }", "one two"),
    ("{ .strings[:2] }", "one two"),
    ("{ .strings[:4:2] }", "one three"),
    ("{ .interfaces }", '[true,"one",1,1.1]'),
    ("{ .interfaces[0] }", "true"),
    ("{ .interfaces[-2] }", "1"),
    ("{ .interfaces[0:2] }", "true one"),
    ("{ .interfaces[:2] }", "true one"),
    ("{ .interfaces[:4:2] }", "true 1"),
    ("{ .maps }", '[{"name":"one","value":1},{"name":"two","value":2.02},{"name":"three","value":3.03},'
                  '{"name":"four","value":4.04}]'),
    ("{ .maps[0] }", '{"name":"one","value":1}'),
    ("{ .maps[-2] }", '{"name":"three","value":3.03}'),
    ("{ .maps[0:2] }", '{"name":"one","value":1} {"name":"two","value":2.02}'),
    ("{ .maps[:2] }", '{"name":"one","value":1} {"name":"two","value":2.02}'),
    ("{ .maps[::2] }", '{"name":"one","value":1} {"name":"three","value":3.03}'),
    ("{ .maps[1::2] }", '{"name":"two","value":2.02} {"name":"four","value":4.04}'),
]


@pytest.mark.parametrize("template,expect", TYPES_CASES)
def test_types_input(template, expect):
    assert run(template, TYPES) == expect


# --------------------------------------------------------------------------- TestStructInput

STORE = {
    "Book": [
        {"Category": "reference", "Author": "Nigel Rees", "Title": "Sayings of the Centurey", "Price": 8.95},
        {"Category": "fiction", "Author": "Evelyn Waugh", "Title": "Sword of Honour", "Price": 12.99},
        {"Category": "fiction", "Author": "Herman Melville", "Title": "Moby Dick", "Price": 8.99},
    ],
    "Bicycle": [
        {"Color": "red", "Price": 19.95, "IsNew": True},
        {"Color": "green", "Price": 20.01, "IsNew": False},
    ],
    "Name": "jsonpath",
    "Labels": {"engieer": 10, "web/html": 15, "k8s-app": 20},
    "Employees": {"jason": "manager", "dan": "clerk"},
}

STORE_CASES = [
    ("plain", "hello jsonpath", None, "hello jsonpath"),
    ("recursive", "{..}", [1, 2, 3], "[1,2,3]"),
    ("filter", "{[?(@<5)]}", [2, 6, 3, 7], "2 3"),
    ("quote", '{"{"}', None, "{"),
    ("union", "{[1,3,4]}", [0, 1, 2, 3, 4], "1 3 4"),
    ("array", "{[0:2]}", ["Monday", "Tudesday"], "Monday Tudesday"),
    ("variable", "hello {.Name}", STORE, "hello jsonpath"),
    ("dict/", "{$.Labels.web/html}", STORE, "15"),
    ("dict/", "{$.Employees.jason}", STORE, "manager"),
    ("dict/", "{$.Employees.dan}", STORE, "clerk"),
    ("dict-", "{.Labels.k8s-app}", STORE, "20"),
    ("nest", "{.Bicycle[*].Color}", STORE, "red green"),
    ("allarray", "{.Book[*].Author}", STORE, "Nigel Rees Evelyn Waugh Herman Melville"),
    ("allfields", '{range .Bicycle[*]}{ "{" }{ @.* }{ "} " }{end}', STORE, "{red 19.95 true} {green 20.01 false} "),
    ("recurfields", "{..Price}", STORE, "8.95 12.99 8.99 19.95 20.01"),
    ("recurdotfields", "{...Price}", STORE, "8.95 12.99 8.99 19.95 20.01"),
    # struct JSON in upstream; map JSON (sorted keys) here
    ("allstructsSlice", "{.Bicycle}", STORE,
     '[{"Color":"red","IsNew":true,"Price":19.95},{"Color":"green","IsNew":false,"Price":20.01}]'),
    ("allstructs", '{range .Bicycle[*]}{ @ }{ " " }{end}', STORE,
     '{"Color":"red","IsNew":true,"Price":19.95} {"Color":"green","IsNew":false,"Price":20.01} '),
    ("lastarray", "{.Book[-1:]}", STORE,
     '{"Author":"Herman Melville","Category":"fiction","Price":8.99,"Title":"Moby Dick"}'),
    ("recurarray", "{..Book[2]}", STORE,
     '{"Author":"Herman Melville","Category":"fiction","Price":8.99,"Title":"Moby Dick"}'),
    ("bool", "{.Bicycle[?(@.IsNew==true)]}", STORE, '{"Color":"red","IsNew":true,"Price":19.95}'),
]


@pytest.mark.parametrize("name,template,data,expect", STORE_CASES, ids=[c[0] for c in STORE_CASES])
def test_struct_input(name, template, data, expect):
    assert run(template, data) == expect


def test_super_recursive_is_a_parse_error():
    with pytest.raises(JSONPathError, match="invalid multiple recursive descent"):
        compile_template("{............................................................Price}")


@pytest.mark.parametrize("template,expect", [("{.hello}", ""), ("before-{.hello}after", "before-after")])
def test_missing_keys_allowed(template, expect):
    assert run(template, STORE, allow_missing=True) == expect


@pytest.mark.parametrize("template,error", [
    ("{hello}", "unrecognized identifier hello"),
    ("{.hello}", "hello is not found"),
    ("{.Labels[0]}", "is not array or slice"),  # Go says map[string]int, the type differs here
    ("{.Book[?(@.Price<>10)]}", "unrecognized filter operator <>"),
    ("{range .Labels.*}{@}{end}{end}", "not in range, nothing to end"),
])
def test_execution_errors(template, error):
    path = compile_template(template)
    with pytest.raises(JSONPathError, match=error.replace("[", r"\[")):
        path.execute(STORE, allow_missing_keys=False)
    assert path.find(STORE) == []


# --------------------------------------------------------------------------- TestJSONInput

POINTS = json.loads("""[
    {"id": "i1", "x":4, "y":-5},
    {"id": "i2", "x":-2, "y":-5, "z":1},
    {"id": "i3", "x":  8, "y":  3 },
    {"id": "i4", "x": -6, "y": -1 },
    {"id": "i5", "x":  0, "y":  2, "z": 1 },
    {"id": "i6", "x":  1, "y":  4 }
]""")


def test_json_input():
    assert run("{[?(@.z)].id}", POINTS) == "i2 i5"
    assert run("{[0]['id']}", POINTS) == "i1"


# --------------------------------------------------------------------------- TestKubernetes

NODES = json.loads("""{
  "kind": "List",
  "items":[
    {"kind":"None",
     "metadata":{"name":"127.0.0.1", "labels":{"kubernetes.io/hostname":"127.0.0.1"}},
     "status":{"capacity":{"cpu":"4"}, "ready": true,
               "addresses":[{"type": "LegacyHostIP", "address":"127.0.0.1"}]}},
    {"kind":"None",
     "metadata":{"name":"127.0.0.2", "labels":{"kubernetes.io/hostname":"127.0.0.2"}},
     "status":{"capacity":{"cpu":"8"}, "ready": false,
               "addresses":[{"type": "LegacyHostIP", "address":"127.0.0.2"},
                            {"type": "another", "address":"127.0.0.3"}]}}
  ],
  "users":[
    {"name": "myself", "user": {}},
    {"name": "e2e", "user": {"username": "admin", "password": "secret"}}
  ]
}""")

KUBERNETES_CASES = [
    ("{range .items[*]}{.metadata.name}, {end}{.kind}", "127.0.0.1, 127.0.0.2, List"),
    ('{range .items[*]}{.metadata.name}{"\\t"}{end}', "127.0.0.1\t127.0.0.2\t"),
    ("{.items[*].status.addresses[*].address}", "127.0.0.1 127.0.0.2 127.0.0.3"),
    ("{range .items[*]}{range .status.addresses[*]}{.address}, {end}{end}", "127.0.0.1, 127.0.0.2, 127.0.0.3, "),
    ("{.items[*].metadata.name}", "127.0.0.1 127.0.0.2"),
    ("{.items[*]['metadata.name', 'status.capacity']}", '127.0.0.1 127.0.0.2 {"cpu":"4"} {"cpu":"8"}'),
    ("{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}",
     '[127.0.0.1, {"cpu":"4"}] [127.0.0.2, {"cpu":"8"}] '),
    ('{.users[?(@.name=="e2e")].user.password}', "secret"),
    ("{.items[0].metadata.labels.kubernetes\\.io/hostname}", "127.0.0.1"),
    ('{.items[?(@.metadata.labels.kubernetes\\.io/hostname=="127.0.0.1")].kind}', "None"),
    ("{.items[?(@..ready==true)].metadata.name}", "127.0.0.1"),
]


@pytest.mark.parametrize("template,expect", KUBERNETES_CASES)
def test_kubernetes(template, expect):
    assert run(template, NODES) == expect


def test_recursive_name_any_order():
    assert sorted(run("{..name}", NODES).split()) == sorted("127.0.0.1 127.0.0.2 myself e2e".split())


def test_empty_range():
    data = {"items": []}
    assert run("{range .items[*]}{.metadata.name}{end}", data, True) == ""
    assert run('{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}',
               data, True) == ""
    # what follows the range is still evaluated
    assert run('{range .items[*]}{.x}{end}after', data, True) == "after"


NESTED = json.loads("""{"items": [
  {"metadata": {"name": "pod1"}, "spec": {"containers": [
      {"name": "foo", "another": [{"name": "value1"}, {"name": "value2"}]},
      {"name": "bar", "another": [{"name": "value1"}, {"name": "value2"}]}]}},
  {"metadata": {"name": "pod2"}, "spec": {"containers": [
      {"name": "baz", "another": [{"name": "value1"}, {"name": "value2"}]}]}}
]}""")


@pytest.mark.parametrize("template,expect", [
    ('{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}',
     "pod1:foo,bar,+pod2:baz,+"),
    ('{range .items[*]}{.metadata.name}{"~"}{range @.spec.containers[*]}{.name}{":"}'
     '{range @.another[*]}{.name}{","}{end}{"+"}{end}{"#"}{end}',
     "pod1~foo:value1,value2,+bar:value1,value2,+#pod2~baz:value1,value2,+#"),
    ('{range .items[*]}{.metadata.name}{"\\t"}{range @.spec.containers[*]}{.name}{" "}{end}{"\\t"}'
     '{range @.spec.containers[*]}{.name}{" "}{end}{"\\n"}{end}',
     "pod1\tfoo bar \tfoo bar \npod2\tbaz \tbaz \n"),
])
def test_nested_ranges(template, expect):
    assert run(template, NESTED) == expect


PODS_SOME_ANNOTATED = {"kind": "List", "items": [
    {"kind": "Pod", "metadata": {"name": "pod1", "annotations": {"color": "blue"}}},
    {"kind": "Pod", "metadata": {"name": "pod2"}},
    {"kind": "Pod", "metadata": {"name": "pod3", "annotations": {"color": "green"}}},
    {"kind": "Pod", "metadata": {"name": "pod4", "annotations": {"color": "blue"}}},
]}


def test_filter_partial_matches_sometimes_missing_annotations():
    t = '{.items[?(@.metadata.annotations.color=="blue")].metadata.name}'
    assert run(t, PODS_SOME_ANNOTATED, allow_missing=True) == "pod1 pod4"
    with pytest.raises(JSONPathError):
        run(t, PODS_SOME_ANNOTATED, allow_missing=False)


CONTAINERS4 = {"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [
    {"image": "radial/busyboxplus:curl", "name": f"fake{i}"} for i in range(4)]}}

NEGATIVE_INDEX_CASES = [
    ("{.spec.containers[0].name}", "fake0"),
    ("{.spec.containers[0:0].name}", ""),
    ("{.spec.containers[0:-1].name}", "fake0 fake1 fake2"),
    ("{.spec.containers[-1:0].name}", None),
    ("{.spec.containers[-1].name}", "fake3"),
    ("{.spec.containers[-1:].name}", "fake3"),
    ("{.spec.containers[-2].name}", "fake2"),
    ("{.spec.containers[-2:].name}", "fake2 fake3"),
    ("{.spec.containers[-3].name}", "fake1"),
    ("{.spec.containers[-4].name}", "fake0"),
    ("{.spec.containers[-4:].name}", "fake0 fake1 fake2 fake3"),
    ("{.spec.containers[-5].name}", None),
    ("{.spec.containers[5:5].name}", ""),
    ("{.spec.containers[-5:-5].name}", ""),
    ("{.spec.containers[3:1].name}", None),
    ("{.spec.containers[-1:-2].name}", None),
]


@pytest.mark.parametrize("template,expect", NEGATIVE_INDEX_CASES)
def test_negative_index(template, expect):
    if expect is None:
        with pytest.raises(JSONPathError):
            run(template, CONTAINERS4)
        assert compile_template(template).find(CONTAINERS4) == []
    else:
        assert run(template, CONTAINERS4) == expect


def test_running_pods_range_over_filter():
    data = {"kind": "List", "items": [
        {"kind": "Pod", "metadata": {"name": "pod1"}, "status": {"phase": "Running"}},
        {"kind": "Pod", "metadata": {"name": "pod2"}, "status": {"phase": "Running"}},
        {"kind": "Pod", "metadata": {"name": "pod3"}, "status": {"phase": "Running"}},
        {"resourceVersion": "", "selfLink": ""},
    ]}
    t = '{range .items[?(.status.phase=="Running")]}{.metadata.name}{" is Running\\n"}{end}'
    assert run(t, data, True) == "pod1 is Running\npod2 is Running\npod3 is Running\n"


CONTAINERS6 = {"spec": {"containers": [{"image": "x", "name": f"fake{i}"} for i in range(6)]}}


@pytest.mark.parametrize("template,expect", [
    ("{.spec.containers[0:].name}", "fake0 fake1 fake2 fake3 fake4 fake5"),
    ("{.spec.containers[0:6:].name}", "fake0 fake1 fake2 fake3 fake4 fake5"),
    ("{.spec.containers[0:6:1].name}", "fake0 fake1 fake2 fake3 fake4 fake5"),
    ("{.spec.containers[0:6:0].name}", None),
    ("{.spec.containers[0:6:-1].name}", None),
    ("{.spec.containers[1:4:2].name}", "fake1 fake3"),
    ("{.spec.containers[1:4:3].name}", "fake1"),
    ("{.spec.containers[1:4:4].name}", "fake1"),
    ("{.spec.containers[0:6:2].name}", "fake0 fake2 fake4"),
    ("{.spec.containers[0:6:3].name}", "fake0 fake3"),
    ("{.spec.containers[0:6:5].name}", "fake0 fake5"),
    ("{.spec.containers[0:6:6].name}", "fake0"),
])
def test_step(template, expect):
    if expect is None:
        with pytest.raises(JSONPathError, match="step must be > 0"):
            run(template, CONTAINERS6)
    else:
        assert run(template, CONTAINERS6) == expect


@pytest.mark.parametrize("data,template,expect", [
    ([[], ["second"]], "{[*][*]}", "second"),
    ([["first"], [], ["third"]], "{[*][*]}", "first third"),
    ([["first"], []], "{[*][:]}", "first"),
    ([[], []], "{[*][*]}", ""),
    ([["first"], ["second", "third"]], "{[*][0:-1]}", "second"),
    ([["first"], ["second"]], "{[*][*]}", "first second"),
])
def test_empty_array_does_not_stop_following_inputs(data, template, expect):
    assert run(template, data) == expect


# --------------------------------------------------------------------------- parser_test.go


def flatten(node) -> list[str]:
    """collectNode of parser_test.go, with a compact description per node."""
    from staticapi.kube.jsonpath import nodes as jp

    out = []

    def visit(n):
        t = type(n)
        if t is jp._List:
            out.append("List")
            for c in n.nodes:
                visit(c)
        elif t is jp._Filter:
            out.append(f"Filter {n.op}")
            visit(n.left)
            visit(n.right)
        elif t is jp._Union:
            out.append("Union")
            for c in n.lists:
                visit(c)
        elif t is jp._Text:
            out.append(f"Text {n.text}")
        elif t is jp._Field:
            out.append(f"Field {n.name}")
        elif t is jp._Array:
            out.append("Array " + " ".join(f"{v},{int(k)},{int(d)}" for v, k, d in n.params))
        elif t is jp._Int:
            out.append(f"Int {n.value}")
        elif t is jp._Identifier:
            out.append(f"Identifier {n.name}")
        else:
            out.append(repr(n))

    for child in node.nodes:
        visit(child)
    return out


PARSER_CASES = [
    ("hello jsonpath", ["Text hello jsonpath"]),
    ("hello {.jsonpath}", ["Text hello ", "List", "Field jsonpath"]),
    ("hello {['jsonpath']}", ["Text hello ", "List", "Field jsonpath"]),
    ('{"{"}', ["List", "Text {"]),
    ("{[1:3]}", ["List", "Array 1,1,0 3,1,0 0,0,0"]),
    ("{.book[*].author}", ["List", "Field book", "Array 0,0,0 0,0,0 0,0,0", "Field author"]),
    ("{.bicycle.*}", ["List", "Field bicycle", "Wildcard"]),
    ("{[?(@.price<3)]}", ["List", "Filter <", "List", "Field price", "List", "Int 3"]),
    ("{..}", ["List", "Recursive"]),
    ("{..price}", ["List", "Recursive", "Field price"]),
    ("{['book.price']}", ["List", "Field book", "Field price"]),
    ("{['bicycle.price', 3, 'book.price']}", ["List", "Union", "List", "Field bicycle", "Field price",
                                              "List", "Array 3,1,0 4,1,1 0,0,0",
                                              "List", "Field book", "Field price"]),
    ("{range .items}{.name},{end}", ["List", "Identifier range", "Field items", "List", "Field name", "Text ,",
                                    "List", "Identifier end"]),
    ('{[?(@.status.nodeInfo.osImage == "()")]}',
     ["List", "Filter ==", "List", "Field status", "Field nodeInfo", "Field osImage", "List", "Text ()"]),
    ('{[?(@.status.nodeInfo.osImage == "(\\"\\")")]}',
     ["List", "Filter ==", "List", "Field status", "Field nodeInfo", "Field osImage", "List", 'Text ("")']),
    ('{[?(@.test == "())(")]}', ["List", "Filter ==", "List", "Field test", "List", "Text ())("]),
    ("{[?(@.status.nodeInfo.osImage == 'Linux')]}",
     ["List", "Filter ==", "List", "Field status", "Field nodeInfo", "Field osImage", "List", "Text Linux"]),
    ('{[?(@.status.nodeInfo.osImage == "{[()]}")]}',
     ["List", "Filter ==", "List", "Field status", "Field nodeInfo", "Field osImage", "List", "Text {[()]}"]),
    ("{[?(@.status.nodeInfo.osImage == \"''\")]}",
     ["List", "Filter ==", "List", "Field status", "Field nodeInfo", "Field osImage", "List", "Text ''"]),
    ("{[?(@.status.nodeInfo.osImage == '\"\"')]}",
     ["List", "Filter ==", "List", "Field status", "Field nodeInfo", "Field osImage", "List", 'Text ""']),
    ("{[?(@.status.nodeInfo.osImage == '\\\\\\'')]}",
     ["List", "Filter ==", "List", "Field status", "Field nodeInfo", "Field osImage", "List", "Text \\'"]),
    ("{[-5:]}", ["List", "Array -5,1,0 0,0,0 0,0,0"]),
    ("{[-1]}", ["List", "Array -1,1,0 0,1,1 0,0,0"]),
    ("{[1:-1]}", ["List", "Array 1,1,0 -1,1,0 0,0,0"]),
]


@pytest.mark.parametrize("text,nodes", PARSER_CASES)
def test_parser(text, nodes):
    assert flatten(compile_template(text)._root) == nodes


@pytest.mark.parametrize("text,error", [
    ("{\\\\\\}", "unrecognized character in action"),
    ("{.hello", "unclosed action"),
    ("{*}", "unrecognized character in action: U+002A '*'"),
    ("{+12.3.0}", "cannot parse number +12.3.0"),
    ("{[1}", "unterminated array"),
    ("{[?(.price]}", "unterminated filter"),
])
def test_parse_errors(text, error):
    with pytest.raises(JSONPathError) as exc:
        compile_template(text)
    assert str(exc.value).startswith(error)


# --------------------------------------------------------------------------- project-specific


def test_compile_path_forms_and_cache():
    obj = {"status": {"x": 5}}
    assert compile_path(".status.x").find(obj) == [5]
    assert compile_path("{.status.x}").find(obj) == [5]
    assert compile_path(".status.x") is compile_path(".status.x")
    with pytest.raises(JSONPathError):
        compile_path(".status[")


def test_find_returns_all_values_and_never_raises_on_data():
    co = {"status": {"conditions": [
        {"type": "Available", "status": "True"},
        {"type": "Degraded", "status": "False"},
        {"status": "Unknown"},
    ]}}
    p = compile_path('.status.conditions[?(@.type=="Available")].status')
    assert p.find(co) == ["True"]
    assert p.find({}) == []
    assert p.find({"status": {"conditions": None}}) == []  # filtering nil is an error upstream
    assert p.find({"status": {"conditions": {"a": 1}}}) == []
    assert compile_path(".status.conditions[*].type").find(co) == ["Available", "Degraded"]
    assert compile_path(".a").find({"a": None}) == [None]  # a present null is a value


def test_escaped_dots_and_quoted_keys():
    obj = {"metadata": {"labels": {"machine.openshift.io/zone": "us-east-1a"},
                        "annotations": {"a": {"b": 1}, "a.b": 2}}}
    assert compile_path(".metadata.labels['machine\\.openshift\\.io/zone']").find(obj) == ["us-east-1a"]
    assert compile_path(".metadata.labels.machine\\.openshift\\.io/zone").find(obj) == ["us-east-1a"]
    # ['a.b'] is the path .a.b in this dialect, not the key "a.b"
    assert compile_path(".metadata.annotations['a.b']").find(obj) == [1]
    assert compile_path(".metadata.annotations.a\\.b").find(obj) == [2]


def test_filter_comparisons_follow_go_template_rules():
    items = {"items": [{"n": 1}, {"n": 5}, {"n": 10}]}
    assert compile_path(".items[?(@.n>=5)].n").find(items) == [5, 10]
    assert compile_path(".items[?(@.n!=5)].n").find(items) == [1, 10]
    assert compile_path(".items[?(@.n<=5)].n").find(items) == [1, 5]
    # int64 against float64 is an error in text/template, so nothing is found
    p = compile_path(".items[?(@.n>4.5)].n")
    assert p.find(items) == []
    with pytest.raises(JSONPathError, match="incompatible types for comparison"):
        p.find_results(items)
    assert compile_path(".items[?(@.n>4.5)].n").find({"items": [{"n": 4.0}, {"n": 7.5}]}) == [7.5]
    # booleans only compare for equality
    flags = {"f": [{"b": True}, {"b": False}]}
    assert compile_path(".f[?(@.b==false)].b").find(flags) == [False]
    assert compile_path(".f[?(@.b<true)].b").find(flags) == []
    # strings compare bytewise
    assert compile_path('.s[?(@<"b")]').find({"s": ["a", "b", "c"]}) == ["a"]


def test_exists_filter_keeps_partial_results_like_go():
    # evalArray returns its input next to the out-of-range error; the exists filter only looks at
    # the length of what came back
    data = {"l": [{"a": [1]}, {"a": [1, 2, 3]}, {"b": 1}]}
    assert compile_path(".l[?(@.a[2])].b").find(data) == []
    assert len(compile_path(".l[?(@.a[2])]").find(data)) == 2


def test_wildcard_on_string_yields_bytes():
    assert compile_template("{.s.*}").execute({"s": "hé"}) == "104 195 169"


def test_print_values_like_go():
    assert format_value(None) == "<nil>"
    assert format_value(1e6) == "1e+06"
    assert format_value(123456.0) == "123456"
    assert format_value(True) == "true"
    assert format_value({"b": 1, "a": "<&>"}) == '{"a":"\\u003c\\u0026\\u003e","b":1}'
    assert compile_template("{.a}").execute({"a": None}) == "<nil>"


@pytest.mark.parametrize("value,g,j", [
    (0.0, "0", "0"),
    (1.0, "1", "1"),
    (1.5, "1.5", "1.5"),
    (-0.25, "-0.25", "-0.25"),
    (100.0, "100", "100"),
    (123456.0, "123456", "123456"),
    (1234567.0, "1.234567e+06", "1234567"),
    (1e6, "1e+06", "1000000"),
    (0.0001, "0.0001", "0.0001"),
    (0.00001, "1e-05", "0.00001"),
    (1e-7, "1e-07", "1e-7"),
    (1e20, "1e+20", "100000000000000000000"),
    (1e21, "1e+21", "1e+21"),
    (2.5e-300, "2.5e-300", "2.5e-300"),
])
def test_go_float_formatting(value, g, j):
    assert go_format_float(value) == g
    assert go_json_marshal(value) == j


def test_json_marshal_strings():
    assert go_json_marshal("a\"b\\c\n\t\x01\u2028") == '"a\\"b\\\\c\\n\\t\\u0001\\u2028"'
    assert go_json_marshal([1, None, True, "é"]) == '[1,null,true,"é"]'
    with pytest.raises(JSONPathError):
        go_json_marshal(math.nan)


# --------------------------------------------------------------------------- properties

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=True)
    | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["a", "b", "status", "conditions", "type", "x", "", "a.b", "name"]) | st.text(max_size=4),
        children, max_size=4),
    max_leaves=20,
)

PIECES = [".", "..", "...", "[", "]", "[*]", "[0]", "[-1]", "[1:]", "[::2]", "[0,1]", "['a.b']", "[?(@.type==\"x\")]",
          "[?(@.x)]", "[?(@.a<3)]", "[?(@.a>=1.5)]", "[?(@.b==true)]", "[?(@.x!=@.y)]", "a", "b", "status",
          "conditions", "type", "x", "*", "{", "}", "range", "end", "@", "$", "'", '"', "\\", "\\.", " ", ",", "(",
          ")", "?", "=", "<", "-", "1", "2.5", "true", "\n", "é", "٣"]

expressions = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(PIECES), max_size=12).map("".join),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expr=expressions)
def test_arbitrary_expressions_only_raise_jsonpath_error(expr):
    for compile_fn in (compile_path, compile_template):
        try:
            p = compile_fn(expr)
        except JSONPathError:
            continue
        p.find({"a": [1, {"b": "x"}], "status": {"conditions": [{"type": "x", "x": 1}]}})


VALID_PATHS = [
    ".a", ".a.b", ".a[0]", ".a[-1]", ".a[*]", ".a[1:3]", ".a[::2]", "..a", "..", ".*", ".a.*", "..x",
    ".status.conditions[?(@.type==\"x\")].status", ".a[?(@.x)]", ".a[?(@.a<3)]", ".a[?(@.a>=1.5)]",
    ".a[?(@.b==true)]", ".a[?(@.x!=@.y)]", ".a[0,1]", ".a['b.c']", "{range .a[*]}{.b}{end}", "{range .*}x{end}",
    "{.a} {.b}", "{.a[0:0]}", "{@}", "{}",
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=json_values, expr=st.sampled_from(VALID_PATHS) | expressions)
def test_find_never_raises_on_data(data, expr):
    try:
        p = compile_path(expr)
    except JSONPathError:
        return
    found = p.find(data)
    assert isinstance(found, list)
    try:
        out = p.execute(data)
    except JSONPathError:
        return
    assert isinstance(out, str)


FILTER_PATHS = [
    '.a[?(@.type=="x")]', ".a[?(@.x)]", ".a[?(@.a<3)]", ".a[?(@.a>=1.5)]", ".a[?(@.b==true)]", ".a[?(@.a.b!='x')]",
    ".a[?(@)]", ".a[?(@.name<>1)]", ".status.conditions[?(@.type==\"x\")].x", ".a[*][?(@.b>0)]",
]


def _without_fast_path(expr: str):
    from staticapi.kube import jsonpath
    from staticapi.kube.jsonpath import nodes as jp

    p = jsonpath._compile("{" + expr + "}")

    def visit(n):
        if isinstance(n, jp._Filter):
            n.left_fields = None
            visit(n.left)
            visit(n.right)
        elif isinstance(n, jp._List):
            for c in n.nodes:
                visit(c)
        elif isinstance(n, jp._Union):
            for c in n.lists:
                visit(c)

    visit(p._root)
    return p


def _outcome(p, data):
    try:
        return ("ok", p.find_results(data, True))
    except JSONPathError as e:
        return ("error", str(e))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.fixed_dictionaries({"a": st.lists(json_values, max_size=5)}, optional={"status": json_values}),
       expr=st.sampled_from(FILTER_PATHS))
def test_filter_fast_path_matches_general_path(data, expr):
    fast, slow = compile_path(expr), _without_fast_path(expr)
    assert repr(_outcome(fast, data)) == repr(_outcome(slow, data))
