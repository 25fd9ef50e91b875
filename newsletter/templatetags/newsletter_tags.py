from django import template

from newsletter.forms import SignupForm
from newsletter.models import Topic

register = template.Library()


@register.inclusion_tag("newsletter/includes/signup_compact.html")
def newsletter_signup(condition=None):
    """The compact signup form, with the condition's topic ticked in advance.

    One query: the offered topics, the condition's among them. The form carries no CSRF
    token, so the page can be cached for everyone; static/js/newsletter-signup.js fetches a
    token for the visitor before the form is sent (README.md, "Caching")."""
    topics = list(Topic.objects.active())
    chosen = [topic.pk for topic in topics if condition and topic.condition_id == condition.pk]
    form = SignupForm(initial={"topics": chosen[:1]}, auto_id="newsletter-%s")
    form.fields["topics"].choices = [(topic.pk, topic.name) for topic in topics]
    return {"form": form}
