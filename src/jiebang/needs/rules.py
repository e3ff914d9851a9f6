"""Who may do what in stage 1."""

import rules

from jiebang.core.rules import (
    is_city_admin,
    is_city_staff,
    is_county_bureau,
    is_expert,
    is_practice_panel_eligible,
)


@rules.predicate
def is_assigned_expert(user, proposal):
    return proposal is not None and proposal.experts.filter(pk=user.pk).exists()


@rules.predicate
def is_assigned_panel_member(user, proposal):
    return proposal is not None and proposal.panel_members.filter(pk=user.pk).exists()


is_feedback_staff = is_city_staff | is_county_bureau

rules.add_perm("needs.view_feedback", is_feedback_staff)
rules.add_perm("needs.import_feedback", is_feedback_staff)
rules.add_perm("needs.record_survey", is_feedback_staff)
rules.add_perm("needs.correct_category", is_feedback_staff)
rules.add_perm("needs.view_caller_contact", is_feedback_staff)
rules.add_perm("needs.manage_categories", is_city_admin)
rules.add_perm("needs.view_proposals", is_feedback_staff | is_expert | is_practice_panel_eligible)
rules.add_perm("needs.draft_proposal", is_feedback_staff)
rules.add_perm("needs.manage_proposals", is_city_admin)
# Blind screening: the drafting staff see every sheet and who reviews; an expert or a
# practice-panel member sees only their own sheet and never the other reviewers' names.
rules.add_perm("needs.view_all_sheets", is_feedback_staff)
rules.add_perm("needs.score_proposal", is_expert & is_assigned_expert)
rules.add_perm("needs.record_verdict", is_assigned_panel_member)
