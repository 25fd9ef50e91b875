from django import forms


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search the site", max_length=200, strip=True,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
