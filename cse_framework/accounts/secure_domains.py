"""The secure e-mail rule of domain.md section 3: is an address in one of an agency's domains?

An agency lists its secure e-mail domains one a line (for example ``pnn.police.uk``,
``gcsx.gov.uk``, ``cjsm.net``, ``nhs.net``). A domain covers itself and its subdomains, whatever
the capitals: ``nhs.net`` covers ``someone@nhs.net`` and ``someone@trust.nhs.net``, never
``someone@notnhs.net``.
"""


def domains_from_text(text: str) -> list[str]:
    """The domains listed one a line; ``@nhs.net``, ``*.nhs.net`` and ``.nhs.net`` mean
    ``nhs.net``. Blank lines are skipped."""
    domains = []
    for line in (text or "").splitlines():
        domain = line.strip().lower().lstrip("*").lstrip("@").strip(".")
        if domain:
            domains.append(domain)
    return domains


def email_domain(email: str) -> str:
    """The part of an address after its last ``@``, in small letters, with no trailing dot."""
    _, at, domain = (email or "").strip().rpartition("@")
    return domain.lower().rstrip(".") if at else ""


def is_secure_email(email: str, domains_text: str) -> bool:
    """Whether ``email`` is at one of the domains listed (one a line) or a subdomain of one."""
    domain = email_domain(email)
    if not domain:
        return False
    return any(
        domain == secure or domain.endswith("." + secure)
        for secure in domains_from_text(domains_text)
    )
