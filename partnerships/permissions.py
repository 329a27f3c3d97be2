"""Page permissions for the hub's corners: each library's pages and each cooperation's.

Wagtail grants rights on a whole subtree, its top page included. Here the top page of a
corner — the library, the cooperation with its Agreement — stays with those who may publish
there, and no page is copied or moved from one corner into another.
"""

from wagtail.models import PagePermissionTester

from .teams import corner_of, is_hub_admin


class CornerPermissionTester(PagePermissionTester):
    def _stays_in_corner(self, destination):
        if is_hub_admin(self.user):
            return True
        return corner_of(self.page) == corner_of(destination)

    def can_move_to(self, destination):
        return super().can_move_to(destination) and self._stays_in_corner(destination)

    def can_copy_to(self, destination, recursive=False):
        return super().can_copy_to(destination, recursive) and self._stays_in_corner(destination)


class CornerTopPermissionTester(CornerPermissionTester):
    """Editing and removing the corner's own page needs the right to publish in it."""

    def _may_publish_here(self):
        return self.user.is_superuser or "publish" in self.permissions

    def can_delete(self, ignore_bulk=False):
        return self._may_publish_here() and super().can_delete(ignore_bulk)


class LibraryPermissionTester(CornerTopPermissionTester):
    """A library's editors edit its page; only hub administrators remove or move it."""


class CooperationPermissionTester(CornerTopPermissionTester):
    """Member libraries' editors work inside the cooperation; the Agreement is its moderators'."""

    def can_edit(self):
        return super().can_edit() and (self._may_publish_here() or self._workflow_lets_edit())

    def _workflow_lets_edit(self):
        task = self.page.current_workflow_task
        return bool(task and task.user_can_access_editor(self.page, self.user))
