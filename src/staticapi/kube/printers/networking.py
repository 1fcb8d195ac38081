"""networking.k8s.io and discovery.k8s.io printers (printers.go printIngress,
printEndpointSlice, printNetworkPolicy, printServiceCIDR, printIPAddress ...)."""

from __future__ import annotations

from datetime import datetime

from .common import _age, _d, _format_label_selector, _i, _l, _list_with_more, _name, _s
from .core import _lb_status_string


def _print_ingress(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    cls = spec.get("ingressClassName")
    cls = "<none>" if cls is None else _s(cls)
    # formatHosts
    rules = _l(spec.get("rules"))
    hosts: list[str] = []
    more = False
    for rule in rules:
        if len(hosts) == 3:
            more = True
        host = _s(_d(rule).get("host"))
        if not more and host:
            hosts.append(host)
    if not hosts:
        host_str = "*"
    else:
        host_str = ",".join(hosts)
        if more:
            host_str = f"{host_str} + {len(rules) - 3} more..."
    address = _lb_status_string(_d(obj.get("status")).get("loadBalancer"))
    ports = "80, 443" if _l(spec.get("tls")) else "80"
    return [_name(obj), cls, host_str, address, ports, _age(obj, now)]


def _print_ingress_class(obj: dict, now: datetime) -> list:
    spec = _d(obj.get("spec"))
    params = "<none>"
    p = spec.get("parameters")
    if isinstance(p, dict):
        params = _s(p.get("kind"))
        if p.get("apiGroup") is not None:
            params = params + "." + _s(p.get("apiGroup"))
        params = params + "/" + _s(p.get("name"))
    return [_name(obj), _s(spec.get("controller")), params, _age(obj, now)]


def _print_endpointslice(obj: dict, now: datetime) -> list:
    # formatDiscoveryPorts
    lst: list[str] = []
    more = False
    count = 0
    for p in _l(obj.get("ports")):
        p = _d(p)
        if len(lst) < 3:
            if p.get("port") is not None:
                lst.append(str(_i(p.get("port"))))
            elif p.get("name") is not None:
                lst.append(_s(p.get("name")))
            else:
                lst.append("*")
        elif len(lst) == 3:
            more = True
        count += 1
    ports = _list_with_more(lst, more, count, 3)
    # formatDiscoveryEndpoints
    lst, more, count = [], False, 0
    for ep in _l(obj.get("endpoints")):
        for addr in _l(_d(ep).get("addresses")):
            if len(lst) < 3:
                lst.append(_s(addr))
            elif len(lst) == 3:
                more = True
            count += 1
    eps = _list_with_more(lst, more, count, 3)
    return [_name(obj), _s(obj.get("addressType")), ports, eps, _age(obj, now)]


def _print_network_policy(obj: dict, now: datetime) -> list:
    return [_name(obj), _format_label_selector(_d(_d(obj.get("spec")).get("podSelector"))), _age(obj, now)]


def _print_service_cidr(obj: dict, now: datetime) -> list:
    return [_name(obj), ",".join(_s(c) for c in _l(_d(obj.get("spec")).get("cidrs"))), _age(obj, now)]


def _print_ip_address(obj: dict, now: datetime) -> list:
    # NB: upstream prints an Age cell although the table only defines Name and ParentRef
    # (kubectl ignores cells beyond the column count).
    pr = _d(obj.get("spec")).get("parentRef")
    parent = "<none>"
    if isinstance(pr, dict):
        group, res = _s(pr.get("group")), _s(pr.get("resource"))
        parent = (f"{res}.{group}" if group else res).lower()  # schema.GroupResource.String()
        if pr.get("namespace"):
            parent += "/" + _s(pr.get("namespace"))
        parent += "/" + _s(pr.get("name"))
    return [_name(obj), parent, _age(obj, now)]
