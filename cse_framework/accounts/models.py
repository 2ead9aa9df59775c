from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from cse_framework.accounts.roles import RoleCode


class Agency(models.Model):
    """A partner organisation whose staff use the service."""

    class Kind(models.TextChoices):
        CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
        POLICE = "police", "Police"
        HEALTH = "health", "Health"
        EDUCATION = "education", "Education"
        YOUTH_OFFENDING = "youth_offending", "Youth offending"
        HOUSING = "housing", "Housing"
        VOLUNTARY_COMMUNITY = "voluntary_community", "Voluntary and community"
        LEISURE_COMMUNITY = "leisure_community", "Leisure and community services"
        OTHER_LOCAL_AUTHORITY = "other_local_authority", "Other local authority"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40, choices=Kind.choices)
    # Domain.md section 3 (the MARF's secure-e-mail rule): the agency's secure e-mail domains,
    # one a line; each covers its subdomains. An access request from elsewhere is flagged.
    secure_email_domains = models.TextField(
        blank=True,
        help_text="One a line, like nhs.net (subdomains too). Others are flagged.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A team within an agency: MASH, Shield, EDT, MACSE administration or a partner team."""

    class Kind(models.TextChoices):
        MASH = "mash", "MASH"
        SHIELD = "shield", "Shield"
        EDT = "edt", "Emergency Duty Team"
        MACSE_ADMINISTRATION = "macse_administration", "MACSE administration"
        PARTNER = "partner", "Partner team"

    name = models.CharField(max_length=200)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.PARTNER)
    # A MASH team manager may require their authorisation of every triage decision.
    decisions_need_authorisation = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="team_unique_name_in_agency")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class Role(models.Model):
    """One row per role of D22, loaded by a migration, so users can hold several roles."""

    code = models.CharField(max_length=40, primary_key=True, choices=RoleCode.choices)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return RoleCode(self.code).label


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        """`createsuperuser` makes a system administrator (reference data only)."""
        user = self.create_user(email, password, **fields)
        user.roles.add(RoleCode.SYSTEM_ADMINISTRATOR)
        return user

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser):
    """A professional who signs in by e-mail with a password and a second factor."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="members", null=True, blank=True
    )
    roles = models.ManyToManyField(Role, blank=True, related_name="users")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"], m2m_fields=[roles])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.email.lower()

    @cached_property
    def role_codes(self) -> frozenset[str]:
        return frozenset(self.roles.values_list("code", flat=True))

    def has_role(self, *codes: str) -> bool:
        return not self.role_codes.isdisjoint(codes)

    # The Django admin manages reference data only, and only for system administrators.
    @property
    def is_staff(self) -> bool:
        return self.is_active and self.has_role(RoleCode.SYSTEM_ADMINISTRATOR)

    @property
    def is_superuser(self) -> bool:
        return False

    def has_perm(self, perm: str, obj=None) -> bool:
        return self.is_staff

    def has_perms(self, perm_list, obj=None) -> bool:
        return self.is_staff

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_staff

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class AccessRequest(models.Model):
    """A partner professional's request for an account, decided by their agency's approver.

    At most one request per e-mail address waits for a decision at a time. A request from an
    address outside the agency's secure e-mail domains is flagged, not refused.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"

    full_name = models.CharField(max_length=200)
    email = models.EmailField()
    job_title = models.CharField(max_length=200)
    phone = models.CharField(max_length=40)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="access_requests")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="access_requests", null=True, blank=True
    )
    reason = models.TextField()
    flagged = models.BooleanField(default=False)
    flag_reason = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "User", on_delete=models.PROTECT, related_name="access_decisions", null=True, blank=True
    )
    refusal_reason = models.TextField(blank=True)
    roles_granted = models.CharField(max_length=300, blank=True)
    user = models.ForeignKey(
        "User", on_delete=models.PROTECT, related_name="access_requests", null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["email"],
                condition=models.Q(status="waiting"),
                name="access_request_one_waiting_per_email",
            )
        ]
        indexes = [models.Index(fields=["status", "agency"], name="access_request_queue")]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"AR-{self.pk}"

    @property
    def is_waiting(self) -> bool:
        return self.status == self.Status.WAITING

    @property
    def roles_granted_labels(self) -> str:
        return ", ".join(RoleCode(code).label for code in self.roles_granted.split(",") if code)
