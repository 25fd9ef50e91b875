"""Demo site content (load_demo): the About us and Contact pages and the privacy notice."""

import datetime

import reversion
from django.utils import timezone

from pages.models import Page, PrivacyNotice

PUBLISHED_AT = timezone.make_aware(datetime.datetime(2025, 1, 6, 8, 0))

ABOUT = """\
We are the children's cancer program of a regional children's hospital. Our doctors, nurses
and specialists care for babies, children and teenagers with cancer and blood disorders, and
for their families, from the first tests until long after treatment ends.

### What we believe

- **Families are part of the team.** You know your child best. We explain every step and
  make decisions together with you.
- **Care close to home.** Our clinics run on several campuses, so many visits can happen
  near where you live.
- **Research makes tomorrow's treatment better.** Many of our patients can join clinical
  trials, and we tell you honestly what a trial may and may not offer.

### About this website

The pages about conditions are written for families and reviewed by our specialists. They
explain, but they can't replace a conversation with your child's own care team.

*This is demo content. The program, people and places on this site are examples.*
"""

CONTACT = """\
We are happy to hear from you. If your child is unwell right now, call your child's clinic
directly. **In an emergency, call 911.**

### Phone

Our main number, the "Call us" number at the top of every page, is the San Francisco
campus. Call it about anything not listed here.

- San Francisco campus: (415) 555-0110
- New patients and referrals: (415) 555-0142
- Appointments and scheduling: (415) 555-0158
- Interpreter services: (415) 555-0170
- Questions about this website or our newsletter: (415) 555-0191

The main number is answered at any hour. The other lines are open Monday to Friday, 8 am
to 5 pm.

### At night, at weekends and on holidays

If your child is being treated here and you are worried about them when the clinics are
closed, call the main number, (415) 555-0110, at any hour and ask for the oncologist on
call. Don't wait for the clinic to open. **In an emergency, call 911.**

### Email

For questions about the website, the newsletter or your personal information, write to
[privacy@example.org](mailto:privacy@example.org). Please don't send medical questions by
email: your child's care team can answer them safely.

*These phone numbers and addresses are examples for this demo; they don't reach a real
clinic.*
"""

PRIVACY_2025 = """\
This notice explains what personal information this website collects, why, how long we keep
it, and what you can do about it. We have tried to write it plainly. If anything is unclear,
please ask us (see "Questions" below).

### Reading the website

You can read every page without telling us who you are. We don't use advertising or
tracking cookies, and we don't share what you read with anyone. When you open or send a
form, such as the newsletter signup, your browser keeps a small security cookie that
protects you from forged requests until you close your browser, and sometimes a
short-lived one that shows you a message such as "your topics are saved".

### Searching the website

When you use the search box, we count the words you searched for, by day, with the number of
results they found, so our editors can see what families look for and which pages are
missing. We don't record who searched: no name, IP address or cookie goes with the words.
Please don't type personal details into the search box: a search that looks like an email
address, a date, or a phone or record number is counted without its words. We delete these
counts after **one year**.

### Our newsletter

If you sign up for our newsletter, we keep:

- **your email address**, so we can send the newsletter;
- **the topics you chose**, so we send only what interests you;
- **a record of your consent**: when you signed up and confirmed, the exact words you agreed
  to, and which version of this notice was in force, so we can show that you asked for it;
- **your IP address and your browser's name and version**, as they were when you signed up,
  so we can look into misuse, such as someone signing up addresses that aren't theirs.

We use this information only to send you the newsletter. We never sell it or share it with
advertisers.

### How long we keep it

- A signup that is never confirmed is deleted after **7 days**. The confirmation link in
  our email works for 3 days.
- Your IP address and browser details are deleted after **30 days**.
- While you are subscribed, we keep your address, topics and consent record.
- When you unsubscribe, we stop sending at once. We keep a note that you left, with your
  consent record, for **one year**, and then delete it.

### How to leave or change your topics

Every email has a link to **unsubscribe** with one click and a link to **change your
topics**. You can also ask us to delete everything we hold about you, and we will do it
promptly.

### Your rights

You may ask to see the information we hold about you, to correct it, or to delete it.
Write to [privacy@example.org](mailto:privacy@example.org).

### Questions

Write to [privacy@example.org](mailto:privacy@example.org) or call (415) 555-0191.

*This is demo content: the contact details are examples.*
"""

PRIVACY_2024 = """\
This notice explains what personal information this website collects and why.

### Reading the website

You can read every page without telling us who you are. We don't use advertising or
tracking cookies.

### Our newsletter

If you sign up for our newsletter, we keep your email address and a record of when you
signed up and confirmed. We use it only to send you the newsletter and never share it with
advertisers. Every email has a link to unsubscribe.

### Questions

Write to [privacy@example.org](mailto:privacy@example.org).

*This is demo content: the contact details are examples.*
"""

PAGES = [
    {"slug": "about", "title": "About us", "placement": Page.Placement.FOOTER, "order": 10,
     "summary": "Who we are, how we care for children with cancer, and what this site is for.",
     "body": ABOUT},
    {"slug": "contact", "title": "Contact us", "placement": Page.Placement.FOOTER, "order": 20,
     "summary": "How to reach our program by phone or email.", "body": CONTACT},
]

NOTICES = [
    {"version": "2024-06", "effective_date": datetime.date(2024, 6, 3), "body": PRIVACY_2024,
     "changes": "The first version of this notice."},
    {"version": "2025-01", "effective_date": datetime.date(2025, 1, 6), "body": PRIVACY_2025,
     "changes": "Newsletter topics, and how long we keep each kind of information."},
]


def load():
    with reversion.create_revision():
        reversion.set_comment("Demo content loaded.")
        for data in PAGES:
            Page.objects.update_or_create(
                slug=data["slug"],
                defaults={**data, "status": Page.Status.PUBLISHED, "publish_at": PUBLISHED_AT},
            )
        for data in NOTICES:
            PrivacyNotice.objects.update_or_create(
                version=data["version"],
                defaults={**data, "status": PrivacyNotice.Status.PUBLISHED,
                          "publish_at": PUBLISHED_AT},
            )
    return f"{len(PAGES)} pages, {len(NOTICES)} privacy notice versions"
