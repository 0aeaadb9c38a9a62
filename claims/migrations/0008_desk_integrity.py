"""Desk integrity in the database.

- Blind ratings become rows of their own (one per reviewer and verdict), moved out of reviews.
- A claim being checked or reviewed has an assignee (a check constraint, every database).
- On PostgreSQL, deferred constraint triggers refuse, at commit, an in-review or approved claim
  without a submitted verdict, and an approved claim whose current verdict (its latest submitted)
  has no approving review by someone other than its author; whatever wrote the rows (the ORM, a
  bulk update, raw SQL, the admin). A bug elsewhere then fails loudly instead of publishing.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


CHECK = """
CREATE OR REPLACE FUNCTION claims_check_claim(target bigint) RETURNS void AS $$
DECLARE
    current_status text;
    v_id bigint;
    v_author integer;
BEGIN
    SELECT status INTO current_status FROM claims_claim WHERE id = target;
    IF current_status IS NULL OR current_status NOT IN ('in_review', 'approved') THEN
        RETURN;
    END IF;
    SELECT id, author_id INTO v_id, v_author FROM claims_verdict
        WHERE claim_id = target AND submitted_at IS NOT NULL ORDER BY submitted_at DESC, id DESC LIMIT 1;
    IF v_id IS NULL THEN
        RAISE EXCEPTION 'claim %% is %% without a submitted verdict', target, current_status
            USING ERRCODE = 'check_violation';
    END IF;
    IF current_status = 'approved' AND NOT EXISTS (
        SELECT 1 FROM claims_review
        WHERE claims_review.verdict_id = v_id AND decision = 'approve' AND reviewer_id <> v_author
    ) THEN
        RAISE EXCEPTION 'claim %% is approved without an approving review by someone other than the verdict''s author',
            target USING ERRCODE = 'check_violation';
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION claims_claim_integrity() RETURNS trigger AS $$
BEGIN
    PERFORM claims_check_claim(NEW.id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION claims_verdict_integrity() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN PERFORM claims_check_claim(OLD.claim_id); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM claims_check_claim(NEW.claim_id); END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION claims_review_integrity() RETURNS trigger AS $$
BEGIN
    PERFORM claims_check_claim(claim_id) FROM claims_verdict WHERE id = OLD.verdict_id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER claims_claim_integrity AFTER INSERT OR UPDATE OF status ON claims_claim
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION claims_claim_integrity();
CREATE CONSTRAINT TRIGGER claims_verdict_integrity AFTER INSERT OR UPDATE OR DELETE ON claims_verdict
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION claims_verdict_integrity();
CREATE CONSTRAINT TRIGGER claims_review_integrity AFTER UPDATE OR DELETE ON claims_review
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION claims_review_integrity();
"""
DROP = """
DROP TRIGGER IF EXISTS claims_claim_integrity ON claims_claim;
DROP TRIGGER IF EXISTS claims_verdict_integrity ON claims_verdict;
DROP TRIGGER IF EXISTS claims_review_integrity ON claims_review;
DROP FUNCTION IF EXISTS claims_claim_integrity();
DROP FUNCTION IF EXISTS claims_verdict_integrity();
DROP FUNCTION IF EXISTS claims_review_integrity();
DROP FUNCTION IF EXISTS claims_check_claim(bigint);
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CHECK)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


def move_independent_ratings(apps, schema_editor):
    """Each review's independent rating becomes that reviewer's blind rating of the verdict."""
    Review = apps.get_model("claims", "Review")
    BlindRating = apps.get_model("claims", "BlindRating")
    seen = set()
    rows = []
    for review in Review.objects.exclude(independent_rating="").order_by("id").iterator():
        if (review.verdict_id, review.reviewer_id) not in seen:
            seen.add((review.verdict_id, review.reviewer_id))
            rows.append(
                BlindRating(verdict_id=review.verdict_id, reviewer_id=review.reviewer_id, rating=review.independent_rating)
            )
    BlindRating.objects.bulk_create(rows, batch_size=1000)


def give_worked_claims_an_assignee(apps, schema_editor):
    """Claims in review after a reused verdict had no assignee: their verdict's author answers for them."""
    Claim = apps.get_model("claims", "Claim")
    Verdict = apps.get_model("claims", "Verdict")
    orphans = Claim.objects.filter(status__in=["assigned", "in_progress", "in_review"], assignee__isnull=True)
    for claim in orphans.iterator():
        verdict = Verdict.objects.filter(claim=claim).order_by("-submitted_at", "-id").first()
        if verdict is not None:
            Claim.objects.filter(pk=claim.pk).update(assignee_id=verdict.author_id)
        else:  # never assigned to anyone: back to the pile to assign
            Claim.objects.filter(pk=claim.pk).update(status="to_check")


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0007_triage_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='BlindRating',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('rating', models.CharField(blank=True, choices=[('false', 'False'), ('mostly_false', 'Mostly false'), ('misleading', 'Misleading'), ('mostly_true', 'Mostly true'), ('true', 'True'), ('unverifiable', 'Unverifiable')], max_length=14, verbose_name='independent rating')),
            ],
            options={
                'verbose_name': 'blind rating',
                'verbose_name_plural': 'blind ratings',
                'ordering': ['verdict_id', 'created_at', 'id'],
            },
        ),
        migrations.AddField(
            model_name='blindrating',
            name='reviewer',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewer'),
        ),
        migrations.AddField(
            model_name='blindrating',
            name='verdict',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='blind_ratings', to='claims.verdict'),
        ),
        migrations.AddConstraint(
            model_name='blindrating',
            constraint=models.UniqueConstraint(fields=('verdict', 'reviewer'), name='blind_rating_once_per_reviewer'),
        ),
        migrations.RunPython(move_independent_ratings, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='review',
            name='independent_rating',
        ),
        migrations.AlterField(
            model_name='claimevent',
            name='kind',
            field=models.CharField(choices=[('created', 'Created'), ('status', 'Status changed'), ('edited', 'Edited'), ('assigned', 'Assigned'), ('evidence', 'Evidence added'), ('verdict', 'Verdict'), ('blind', 'Blind rating'), ('review', 'Review'), ('comment', 'Comment'), ('linked', 'Linked to an earlier check'), ('unlinked', 'Link removed')], max_length=10, verbose_name='event'),
        ),
        migrations.RunPython(give_worked_claims_an_assignee, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='claim',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status__in', ['assigned', 'in_progress', 'in_review']), _negated=True), ('assignee__isnull', False), _connector='OR'), name='claim_worked_on_has_assignee'),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
