"""What site search offers of the newsletter: its signup page, by the words families use."""

from portal.search import Destination

DESTINATIONS = [
    Destination(
        "Newsletter", "newsletter:signup",
        "News about childhood cancer by email, on the topics you choose. Every email has "
        "links to change your topics or unsubscribe.",
        words="email emails updates news sign up signup subscribe unsubscribe mailing list "
              "stop",
    ),
]
