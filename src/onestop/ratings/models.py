"""Ratings (好差评) of cases by the people served."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.cases.models import Case
from onestop.core.models import TenantModel
from onestop.identity.models import Person


class Level(models.IntegerChoices):
    """The five national levels; 不满意 and 非常不满意 are bad ratings (差评)."""

    VERY_SATISFIED = 5, _("very satisfied")
    SATISFIED = 4, _("satisfied")
    BASICALLY_SATISFIED = 3, _("basically satisfied")
    DISSATISFIED = 2, _("dissatisfied")
    VERY_DISSATISFIED = 1, _("very dissatisfied")


BAD_LEVELS = {Level.DISSATISFIED, Level.VERY_DISSATISFIED}
MAX_COMMENT_LENGTH = 500


class Rating(TenantModel):
    """One rating of one case by its applicant (一事一评)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="ratings")
    person = models.ForeignKey(Person, on_delete=models.PROTECT)
    channel = models.CharField(max_length=20, default="online")
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    comment = models.TextField(blank=True)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["centre", "case", "channel"], name="rating_once"),
        ]

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS
