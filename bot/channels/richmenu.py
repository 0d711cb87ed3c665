"""LINE's rich menu: one per language, drawn with Pillow; Japanese is everyone's default.

Each language's menu is found through its rich menu alias ("kyojo-ja", "kyojo-en"), so LINE
itself keeps which menu is current and `flask rich-menu` can be run again safely.
"""

from __future__ import annotations

import functools
import io
import logging
from pathlib import Path

import click
from linebot.v3.messaging import (
    CreateRichMenuAliasRequest,
    MessagingApi,
    MessagingApiBlob,
    PostbackAction,
    RichMenuArea,
    RichMenuBounds,
    RichMenuBulkLinkRequest,
    RichMenuRequest,
    RichMenuSize,
    UpdateRichMenuAliasRequest,
)
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from bot.errors import ChannelError
from bot.i18n import DEFAULT_LOCALE, locales, t
from db.models import Resident

log = logging.getLogger(__name__)

SIZE = (2500, 843)
ACTIONS = ("menu.need_help", "menu.give_help", "menu.circulars", "menu.usage")
COLOURS = ("#e8604c", "#2f9e6e", "#3b78c2", "#8a6bb8")
ALIAS_PREFIX = "kyojo-"
FONTS = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc"),
)
LINK_BATCH = 500


# The face of the Noto CJK collection drawn in each language's own letter shapes
# (Chinese 骨 and Korean 한 as their readers write them; the Japanese face for the rest).
FACES = {"ko": 1, "zh-Hans": 2}


def alias(language: str) -> str:
    """The rich menu alias of a language's menu (LINE allows only lower case: kyojo-zh-hans)."""
    return (ALIAS_PREFIX + language).lower()


@functools.cache
def font(size: int, language: str = DEFAULT_LOCALE) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A CJK font in the language's letter shapes when the machine has one, else Pillow's own."""
    for path in FONTS:
        if path.exists():
            return ImageFont.truetype(str(path), size, index=FACES.get(language, 0))
    return ImageFont.load_default(size)


def draw(language: str, actions: tuple[str, ...] = ACTIONS) -> bytes:
    """The menu picture for a language: one coloured tile per action with its label, as PNG."""
    image = Image.new("RGB", SIZE, "white")
    canvas = ImageDraw.Draw(image)
    width = SIZE[0] // len(actions)
    labels = [t(action, language) for action in actions]
    size = fitting_size(canvas, labels, width - 100, language)
    for index, (label, colour) in enumerate(zip(labels, COLOURS)):
        left = index * width
        canvas.rectangle((left, 0, left + width, SIZE[1]), fill=colour, outline="white", width=10)
        canvas.text((left + width / 2, SIZE[1] / 2), label, font=font(size, language), fill="white", anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def fitting_size(canvas: ImageDraw.ImageDraw, labels: list[str], width: int, language: str = DEFAULT_LOCALE) -> int:
    """The largest font size (one for all tiles) at which every label fits the width."""
    size = 120
    while size > 30 and max(canvas.textlength(label, font=font(size, language)) for label in labels) > width:
        size -= 10
    return size


def menu_request(language: str, actions: tuple[str, ...] = ACTIONS, name: str | None = None) -> RichMenuRequest:
    """The rich menu's areas: one postback per tile, as the main menu's quick replies."""
    width = SIZE[0] // len(actions)
    areas = [
        RichMenuArea(
            bounds=RichMenuBounds(x=i * width, y=0, width=width, height=SIZE[1]),
            action=PostbackAction(label=t(action, language)[:20], data=action, display_text=t(action, language)),
        )
        for i, action in enumerate(actions)
    ]
    return RichMenuRequest(
        size=RichMenuSize(width=SIZE[0], height=SIZE[1]),
        selected=True,
        name=name or alias(language),
        chat_bar_text=t("richmenu.chat_bar", language)[:14],
        areas=areas,
    )


def create(channel, language: str, actions: tuple[str, ...] = ACTIONS, alias_id: str | None = None) -> str:
    """Create, draw and upload one language's menu and point its alias at it; the new id."""
    alias_id = alias_id or alias(language)
    with channel.client() as client, channel.client(data=True) as data_client:
        api = MessagingApi(client)
        created = channel.call(
            "rich menu create", lambda: api.create_rich_menu(menu_request(language, actions, alias_id))
        )
        menu_id = created.rich_menu_id
        image = draw(language, actions)
        channel.call(
            "rich menu image",
            lambda: MessagingApiBlob(data_client).set_rich_menu_image(
                menu_id, image, _headers={"Content-Type": "image/png"}
            ),
        )
        known = {
            a.rich_menu_alias_id for a in channel.call("rich menu aliases", api.get_rich_menu_alias_list).aliases or ()
        }
        if alias_id in known:
            channel.call(
                "rich menu alias",
                lambda: api.update_rich_menu_alias(alias_id, UpdateRichMenuAliasRequest(rich_menu_id=menu_id)),
            )
        else:
            channel.call(
                "rich menu alias",
                lambda: api.create_rich_menu_alias(
                    CreateRichMenuAliasRequest(rich_menu_alias_id=alias_id, rich_menu_id=menu_id)
                ),
            )
    return menu_id


def install(channel, languages: list[str], default: str = DEFAULT_LOCALE) -> dict[str, str]:
    """A new menu per language, the default one for everyone; older kyojo menus are removed."""
    with channel.client() as client:
        api = MessagingApi(client)
        old = [
            m.rich_menu_id
            for m in channel.call("rich menu list", api.get_rich_menu_list).richmenus
            if m.name.startswith(ALIAS_PREFIX)
        ]
        menus = {language: create(channel, language) for language in languages}
        channel.call("rich menu default", lambda: api.set_default_rich_menu(menus[default]))
        for menu_id in old:
            channel.call("rich menu delete", lambda: api.delete_rich_menu(menu_id))
    return menus


def relink(channel, session, menus: dict[str, str], default: str = DEFAULT_LOCALE) -> int:
    """Give residents of another language than the default their language's new menu."""
    linked = 0
    with channel.client() as client:
        api = MessagingApi(client)
        for language, menu_id in menus.items():
            if language == default:
                continue
            people = list(
                session.scalars(
                    select(Resident).where(Resident.platform == "line", Resident.active, Resident.language == language)
                )
            )
            for start in range(0, len(people), LINK_BATCH):
                batch = people[start : start + LINK_BATCH]
                channel.call(
                    "rich menu bulk link",
                    lambda: api.link_rich_menu_id_to_users(
                        RichMenuBulkLinkRequest(rich_menu_id=menu_id, user_ids=[p.platform_user_id for p in batch])
                    ),
                )
                for person in batch:
                    person.rich_menu_id = menu_id
                linked += len(batch)
    return linked


def link(channel, user_id: str, language: str) -> str | None:
    """Link one person to their language's menu (None: the default menu is theirs, or none exists)."""
    if language == DEFAULT_LOCALE:
        return None
    with channel.client() as client:
        api = MessagingApi(client)
        try:
            found = channel.call("rich menu alias", lambda: api.get_rich_menu_alias(alias(language)), retries=0)
            channel.call(
                "rich menu link", lambda: api.link_rich_menu_id_to_user(user_id, found.rich_menu_id), retries=0
            )
        except ChannelError:
            return None  # logged by the call; they keep the default menu
    return found.rich_menu_id


def unlink(channel, user_id: str) -> None:
    """Take away a person's own menu, so the default one shows (a failure is only logged)."""
    with channel.client() as client:
        api = MessagingApi(client)
        try:
            channel.call("rich menu unlink", lambda: api.unlink_rich_menu_id_from_user(user_id), retries=0)
        except ChannelError:
            pass  # logged by the call; they keep the menu of their former language


def register(cli) -> None:
    """The `flask rich-menu` command."""

    @cli.command("rich-menu")
    def rich_menu() -> None:
        """Draw and upload the rich menu in every language; Japanese becomes the default."""
        from bot import runtime
        from bot.watch.disaster import in_disaster_mode, switch_menus
        from db.session import Session

        started = runtime.current()
        if not started.config.line_channel_access_token:
            raise click.ClickException("LINE_CHANNEL_ACCESS_TOKEN is not set")
        channel = started.channels["line"]  # with a token, LINE itself (not the chat page)
        menus = install(channel, locales())
        with Session.begin() as session:
            linked = relink(channel, session, menus)
            disaster_districts = in_disaster_mode(session)
        for district_id in disaster_districts:  # their safety menu, drawn anew (the old one is gone)
            switch_menus(district_id, started.channels)
        for language, menu_id in menus.items():
            click.echo(f"{language}: {menu_id} (alias {alias(language)})")
        click.echo(f"default: {menus[DEFAULT_LOCALE]}; {linked} residents linked to their language's menu")
