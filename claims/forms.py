from django import forms
from django.utils.translation import gettext_lazy as _

from claims.services.ingestion import ARTICLE_SUFFIXES, max_bytes


class ArticleSubmitForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=500, required=False)
    outlet = forms.CharField(label=_("Outlet"), max_length=200, required=False)
    url = forms.URLField(label=_("URL"), max_length=1000, required=False, assume_scheme="https")
    author = forms.CharField(label=_("Author"), max_length=300, required=False)
    published = forms.CharField(label=_("Publication date"), required=False, help_text=_("YYYY-MM-DD, YYYY-MM or YYYY"))
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Detect automatically")), ("fr", _("French")), ("en", _("English"))],
    )
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 12}), required=False)
    file = forms.FileField(
        label=_("Or upload a file"),
        required=False,
        help_text=_("%(types)s, at most %(size)s bytes")
        % {"types": ", ".join(sorted(ARTICLE_SUFFIXES)), "size": f"{max_bytes():,}"},
    )

    def clean(self):
        data = super().clean()
        if not data.get("body", "").strip() and not data.get("file"):
            raise forms.ValidationError(_("Paste the article's text or choose a file."))
        upload = data.get("file")
        if upload is not None and upload.size > max_bytes():
            # Checked on the declared size before anything is read.
            self.add_error("file", _("The file is larger than %(size)s bytes.") % {"size": f"{max_bytes():,}"})
        return data
