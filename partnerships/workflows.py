"""What happens when the last moderation task approves a page.

Wagtail's default publishes as the approving user, with that user's page rights. A
cooperation's moderators approve the pages of its member libraries without any right on
those pages (the libraries govern themselves, §1.8), so here the approval itself is the
decision to publish. Hosts set ``WAGTAIL_FINISH_WORKFLOW_ACTION`` to this function; the
add-on's system check says so when they have not.
"""


def publish_approved(workflow_state, user=None):
    revision = workflow_state.content_object.get_latest_revision()
    revision.publish(user=user, skip_permission_checks=True)
