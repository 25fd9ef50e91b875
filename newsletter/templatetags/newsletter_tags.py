from django import template

from newsletter.forms import SignupForm
from newsletter.models import Topic

register = template.Library()


@register.inclusion_tag("newsletter/includes/signup_compact.html", takes_context=True)
def newsletter_signup(context, condition=None):
    """The compact signup form, with the condition's topic ticked in advance."""
    topic = Topic.objects.active().for_condition(condition) if condition else None
    form = SignupForm(initial={"topics": [topic] if topic else []}, auto_id="newsletter-%s")
    return {"form": form, "csrf_token": context.get("csrf_token")}
