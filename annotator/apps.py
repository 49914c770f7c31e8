from django.apps import AppConfig
from django.core.exceptions import ValidationError
from django.db.models.signals import pre_save


class AnnotatorConfig(AppConfig):
    name = "annotator"
    verbose_name = "Annotation"

    def ready(self) -> None:
        from articles.models import Paragraph

        pre_save.connect(keep_anchored_text, sender=Paragraph, dispatch_uid="annotator.keep_anchored_text")
        from django.contrib.auth import get_user_model

        from annotator.api.tokens import revoke_tokens_on_password_change

        pre_save.connect(
            revoke_tokens_on_password_change, sender=get_user_model(), dispatch_uid="annotator.revoke_tokens"
        )


def keep_anchored_text(sender, instance, raw: bool = False, update_fields=None, **kwargs) -> None:
    """Refuse to change the text of a paragraph that spans point into, whatever saves it.

    Span offsets index into the text, so a changed text would move every span. Deleted spans count too:
    undo can bring them back.
    """
    from annotator.models import Annotation

    if raw or instance.pk is None or (update_fields is not None and "text" not in update_fields):
        return
    stored = sender._base_manager.filter(pk=instance.pk).values_list("text", flat=True).first()
    if stored is None or stored == instance.text:
        return
    if Annotation.objects.filter(paragraph_id=instance.pk).exists():
        raise ValidationError(
            {"text": "This paragraph's text cannot change: annotations point into it."},
            code="paragraph_anchored",
        )
