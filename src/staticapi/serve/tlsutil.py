"""HTTPS for `--tls`: a generated CA + serving certificate, or the user's own.

kubectl verifies the server against the kubeconfig's
`certificate-authority-data`, so a generated pair is a private CA (kept only
in memory and the cache dir) that signs one serving certificate whose SANs
cover the bound address, localhost and 127.0.0.1 / ::1.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass
class TLSMaterial:
    cert_file: Path
    key_file: Path
    ca_pem: bytes | None  # what the kubeconfig carries; None when the user's cert is trusted elsewhere


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def generate(directory: Path, hosts: list[str], days: int = 365) -> TLSMaterial:
    """Write a fresh CA-signed serving pair into `directory` (0600) and return it."""
    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("staticapi-ca"))
        .issuer_name(_name("staticapi-ca"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                     content_commitment=False, key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    sans: list[x509.GeneralName] = []
    for h in dict.fromkeys(hosts + ["localhost", "127.0.0.1", "::1"]):
        try:
            sans.append(x509.IPAddress(ipaddress.ip_address(h)))
        except ValueError:
            sans.append(x509.DNSName(h))
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("staticapi"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    cert_file, key_file = directory / "serving.crt", directory / "serving.key"
    ca_pem = ca.public_bytes(serialization.Encoding.PEM)
    _write(cert_file, cert.public_bytes(serialization.Encoding.PEM) + ca_pem)
    _write(key_file, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return TLSMaterial(cert_file, key_file, ca_pem)


def _write(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def ssl_context(m: TLSMaterial) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(str(m.cert_file), str(m.key_file))
    return ctx


def user_material(cert: Path, key: Path) -> TLSMaterial:
    """The user's own pair; its CA goes into the kubeconfig only when the certificate is self-signed."""
    pem = Path(cert).read_bytes()
    leaf = x509.load_pem_x509_certificate(pem)
    ca_pem = leaf.public_bytes(serialization.Encoding.PEM) if leaf.issuer == leaf.subject else None
    return TLSMaterial(Path(cert), Path(key), ca_pem)
