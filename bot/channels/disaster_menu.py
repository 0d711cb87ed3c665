"""Disaster mode on LINE: a district's people see a rich menu of safety actions, and back.

The safety menu of each language is drawn like the main one (richmenu.py) under its own alias,
made the first time a district needs it; switching back links people to their language's menu.
The channel passes bot.channels.richmenu in (`menus`), so this module does not import it back.
"""

from __future__ import annotations

from types import ModuleType

from linebot.v3.messaging import MessagingApi, RichMenuBulkLinkRequest

ACTIONS = ("disaster.report", "disaster.shelter", "disaster.call_help")
ALIAS_PREFIX = "kyojo-disaster-"


def _aliases_and_menus(channel) -> tuple[dict[str, str], set[str]]:
    with channel.client() as client:
        api = MessagingApi(client)
        aliases = {
            a.rich_menu_alias_id: a.rich_menu_id
            for a in channel.call("rich menu aliases", api.get_rich_menu_alias_list).aliases or ()
        }
        menus = {m.rich_menu_id for m in channel.call("rich menu list", api.get_rich_menu_list).richmenus}
    return aliases, menus


def menu_id(channel, menus: ModuleType, language: str, disaster: bool) -> str | None:
    """The menu to show: the safety menu (drawn if missing), or the language's own (None: none)."""
    aliases, existing = _aliases_and_menus(channel)
    if not disaster:
        found = aliases.get(menus.alias(language)) or aliases.get(menus.alias(menus.DEFAULT_LOCALE))
        return found if found in existing else None
    found = aliases.get(ALIAS_PREFIX + language)
    return found if found in existing else menus.create(channel, language, ACTIONS, ALIAS_PREFIX + language)


def switch(channel, menus: ModuleType, people: dict[str, list[str]], disaster: bool) -> int:
    """Link LINE users (by language) to the safety menu or back to their own; how many were linked."""
    linked = 0
    for language, user_ids in people.items():
        target = menu_id(channel, menus, language, disaster)
        if target is None or not user_ids:
            continue
        with channel.client() as client:
            api = MessagingApi(client)
            for start in range(0, len(user_ids), menus.LINK_BATCH):
                batch = user_ids[start : start + menus.LINK_BATCH]
                channel.call(
                    "rich menu bulk link",
                    lambda: api.link_rich_menu_id_to_users(
                        RichMenuBulkLinkRequest(rich_menu_id=target, user_ids=batch)
                    ),
                )
                linked += len(batch)
    return linked
