"""Every string meant for people is marked for translation (issue #17, first "Done means").

Four checkers, each proven able to fail on planted fixtures (tests/fixtures/i18n/, or inline):
- templates: text between tags, and the attributes people read or hear (alt, title, aria-label,
  aria-description, aria-valuetext, aria-roledescription, placeholder, data-label which the
  stacked tables show, the value of a submit/button input, the meta description, and the
  data-text-*/data-words-*/data-copied attributes the scripts show), must come from a tag or a
  variable, never literal words; nor may literals of two words sit inside {{ }} or {% %}
  (`default:"No value"`);
- Python: literals in the places that reach people (ValidationError, FileProblem, form and model
  field labels and help, error_messages, choices labels, Meta and app verbose names, messages.*,
  add_error, email subjects, HttpResponse bodies, format_html/mark_safe text, widget attributes,
  JSON "message" answers) must be wrapped in a gettext function, and no gettext() may run at
  import time. Other exceptions (ValueError in units.py, ContentError, Http404…) are for
  developers and logs: error pages show their own translated words, never the exception's
  message. Model __str__ (admin and logs) and management commands (the operator's console, like
  the logs) stay English. FHIR/CSV exports keep fixed English displays on purpose (files travel);
- JavaScript: no literal of two or more words, and no literal words given to textContent,
  innerText, innerHTML, title, placeholder, aria-label or alert/confirm/prompt: the words come
  from the page (data-* attributes on the element the script uses);
- CSS: no words in `content:` strings (a PDF's page footer).
"""

import ast
import importlib
import pkgutil
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django import forms
from django.template.base import Lexer, TokenType
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as lazy_words  # makemessages skips this name

ROOT = Path(__file__).resolve().parent.parent
# Named *.fixture so makemessages never takes their planted strings into the catalogue.
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "i18n"

# A stand-in for every {{ variable }}, {% tag %} and translated block, so the HTML stays parseable.
PLACEHOLDER = "\ue000"
LETTERS = re.compile(r"[^\W\d_]")
SENTENCE = re.compile(r"[^\W\d_]{2,}\s+[^\W\d_]{2,}")  # two words of letters

# Words that stay the same in every language, taken out before the check: the brand, the names of
# the two languages as each writes itself (the switcher shows them so), and unit symbols (SI and
# UCUM symbols are written the same in Spanish).
SAME_IN_EVERY_LANGUAGE = re.compile(
    r"FSGS Portal|\bEnglish\b|\bEspañol\b"
    r"|(?<![^\W\d_])(?:mL/min/1\.73 m²|mmHg|kg/m²|mg/dL|mg/mmol|mg/g|g/dL|g/L|µmol/L|"
    r"mg/day|mg|µg|mL|kg|lb|°C|°F|g)(?![^\W\d_])"
)


# Templates ---------------------------------------------------------------------------------------


def visible_source(source: str) -> str:
    """The template with every tag and variable replaced by PLACEHOLDER, comments removed and
    the contents of {% blocktranslate %} (already marked) replaced by PLACEHOLDER."""
    parts = []
    closing = None  # the end tag of the comment or blocktranslate we are inside
    blocks = []  # open {% block %} names: a block named *_attributes holds a tag's attributes
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.COMMENT:
            continue
        command = token.contents.split()[0] if token.token_type == TokenType.BLOCK else None
        if closing:
            if command == closing:
                closing = None
            continue
        if command in ("blocktranslate", "blocktrans"):
            closing = "end" + command
            parts.append(PLACEHOLDER)
        elif command == "comment":
            closing = "endcomment"
        elif command == "block":
            blocks.append(token.contents.split()[1])
            parts.append("<span " if blocks[-1].endswith("attributes") else PLACEHOLDER)
        elif command == "endblock" and blocks:
            parts.append(">" if blocks.pop().endswith("attributes") else PLACEHOLDER)
        elif token.token_type == TokenType.TEXT:
            parts.append(token.contents)
        else:
            parts.append(PLACEHOLDER)
    return "".join(parts)


def has_words(text: str) -> bool:
    return bool(LETTERS.search(SAME_IN_EVERY_LANGUAGE.sub("", text.replace(PLACEHOLDER, " "))))


def shown(text: str) -> str:
    return " ".join(text.replace(PLACEHOLDER, "…").split())


SPOKEN_ATTRIBUTES = {
    "alt",
    "title",
    "aria-label",
    "aria-description",
    "aria-valuetext",
    "aria-roledescription",
    "placeholder",
    "data-label",  # portal.css shows it before each cell of a stacked table
}
# Words a script shows, carried by the element it works on (see static/js/).
SCRIPT_TEXT_ATTRIBUTES = ("data-text-", "data-words-", "data-copied", "data-copy-failed")


class UnmarkedText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.in_script = 0

    def check_attributes(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        names = set(SPOKEN_ATTRIBUTES)
        names.update(name for name in attributes if name.startswith(SCRIPT_TEXT_ATTRIBUTES))
        if tag == "input" and attributes.get("type") in ("submit", "button", "reset"):
            names.add("value")
        if tag == "meta" and attributes.get("name") == "description":
            names.add("content")
        for name in sorted(names & set(attributes)):
            if has_words(attributes[name]):
                self.problems.append(f'<{tag} {name}="{shown(attributes[name])}">')

    def handle_starttag(self, tag, attrs):
        self.check_attributes(tag, attrs)
        if tag in ("script", "style"):
            self.in_script += 1

    def handle_startendtag(self, tag, attrs):
        self.check_attributes(tag, attrs)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.in_script = max(0, self.in_script - 1)

    def handle_data(self, data):
        # Script contents are checked as JavaScript below (no inline scripts in templates).
        if not self.in_script and has_words(data):
            self.problems.append(shown(data))


TAG_LITERAL = re.compile(r"""(?<!_\()("[^"]*"|'[^']*')""")
MARKING_TAGS = {"translate", "trans", "blocktranslate", "blocktrans", "plural", "comment"}


def tag_literal_problems(source: str) -> list[str]:
    """Words in string literals inside {{ }} and {% %}: `default:"No value"`, `with title="…"`.
    _("…") literals are marked; paths, URL names and date formats are single words."""
    problems = []
    for token in Lexer(source).tokenize():
        if token.token_type not in (TokenType.VAR, TokenType.BLOCK):
            continue
        if token.contents.split()[0] in MARKING_TAGS:
            continue
        for literal in TAG_LITERAL.findall(token.contents):
            if SENTENCE.search(SAME_IN_EVERY_LANGUAGE.sub("", literal)):
                opening, closing = (
                    ("{{", "}}") if token.token_type == TokenType.VAR else ("{%", "%}")
                )
                problems.append(f"{opening} {token.contents} {closing}")
    return problems


def template_problems(source: str) -> list[str]:
    parser = UnmarkedText()
    parser.feed(visible_source(source))
    parser.close()
    return parser.problems + tag_literal_problems(source)


def project_templates():
    folder = ROOT / "templates"
    return sorted([*folder.rglob("*.html"), *folder.rglob("*.txt")])


@pytest.mark.parametrize(
    "path", project_templates(), ids=lambda path: str(path.relative_to(ROOT / "templates"))
)
def test_template_text_is_marked(path):
    assert template_problems(path.read_text()) == []


def test_template_checker_finds_unmarked_text():
    problems = template_problems((FIXTURES / "unmarked.html.fixture").read_text())
    assert problems == [
        "Diary",
        "Save your day …",
        '<img alt="A chart of weight">',
        '<input placeholder="Type here">',
        '<input value="Send">',
        '<meta content="Guides for families">',
        '<div data-text-sent="Sent.">',
        '<button title="Close …now…">',
        '<td data-label="Since">',
        '{{ note|default:"Nothing written" }}',
    ]


def test_template_checker_accepts_marked_text():
    assert template_problems((FIXTURES / "marked.html.fixture").read_text()) == []


# Python ------------------------------------------------------------------------------------------

MARKING_FUNCTIONS = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}
# Exceptions whose message is shown to a person (form errors, the import page).
SHOWN_EXCEPTIONS = {"ValidationError", "FileProblem"}
# Keyword arguments and attributes that people read: form/model field labels and help, the empty
# choice, Meta names, email subjects.
SHOWN_KEYWORDS = {
    "label",
    "help_text",
    "verbose_name",
    "verbose_name_plural",
    "empty_label",
    "subject",
    "message",
}
# Dictionary keys whose values people read: widget attributes, JSON answers scripts show.
SHOWN_KEYS = {"placeholder", "aria-label", "aria-description", "title", "message"}
MESSAGE_LEVELS = {"debug", "info", "success", "warning", "error"}
# Tags, {} slots, and attribute fragments such as ' aria-invalid="true"' or ' checked'.
HTML_MARKUP = re.compile(r"<[^>]*>|\{[^{}]*\}|^(?:\s+[\w-]+(?:=\"[^\"]*\")?)+$")


def call_name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def unmarked_text(node) -> str | None:
    """The literal words in node that no gettext function wraps, or None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if has_words(node.value) else None
    if isinstance(node, ast.JoinedStr):
        words = "".join(part.value for part in node.values if isinstance(part, ast.Constant))
        return words if has_words(words) else None
    if isinstance(node, ast.BinOp):
        return unmarked_text(node.left) or unmarked_text(node.right)
    if isinstance(node, ast.IfExp):
        return unmarked_text(node.body) or unmarked_text(node.orelse)
    if isinstance(node, ast.Call):
        if call_name(node) == "format" and isinstance(node.func, ast.Attribute):
            return unmarked_text(node.func.value)
        if call_name(node) in ("format_html", "mark_safe") and node.args:
            return unmarked_markup(node.args[0])
    return None


def unmarked_markup(node) -> str | None:
    """Literal words in an HTML template string, outside its tags and {} slots."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = HTML_MARKUP.sub("", node.value)
        return node.value if has_words(text) else None
    return unmarked_text(node)


def is_choices_class(node: ast.ClassDef) -> bool:
    bases = {getattr(base, "id", None) or getattr(base, "attr", None) for base in node.bases}
    return bool(bases & {"TextChoices", "IntegerChoices", "Choices"})


def is_app_config(node: ast.ClassDef) -> bool:
    return any(getattr(base, "id", None) == "AppConfig" for base in node.bases)


def shown_values(tree):
    """(line, value node) for every place in the module whose value reaches a person."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = call_name(node)
            if name in MARKING_FUNCTIONS:
                continue
            if name in SHOWN_EXCEPTIONS and node.args:
                yield node.args[0]
            if name in ("format_html", "mark_safe") and node.args:
                yield node  # checked as markup by unmarked_text
            if name == "add_error" and len(node.args) > 1:
                yield node.args[1]
            if name in ("send_mail", "EmailMessage", "EmailMultiAlternatives") and node.args:
                yield node.args[0]
            if name == "HttpResponse" and node.args:
                yield node.args[0]
            func = node.func
            if isinstance(func, ast.Attribute) and getattr(func.value, "id", None) == "messages":
                if func.attr in MESSAGE_LEVELS and len(node.args) > 1:
                    yield node.args[1]
                if func.attr == "add_message" and len(node.args) > 2:
                    yield node.args[2]
            # models.CharField("Verbose name", …): the first argument is the verbose name.
            if (
                isinstance(func, ast.Attribute)
                and getattr(func.value, "id", None) == "models"
                and func.attr.endswith("Field")
                and node.args
            ):
                yield node.args[0]
            for keyword in node.keywords:
                if keyword.arg in SHOWN_KEYWORDS:
                    yield keyword.value
                elif keyword.arg == "error_messages" and isinstance(keyword.value, ast.Dict):
                    yield from keyword.value.values
                elif keyword.arg == "choices" and isinstance(keyword.value, (ast.List, ast.Tuple)):
                    for choice in keyword.value.elts:
                        if isinstance(choice, ast.Tuple) and len(choice.elts) == 2:
                            yield choice.elts[1]
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value in SHOWN_KEYS:
                    yield value
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr in SHOWN_KEYWORDS:
                    yield node.value
                # field.error_messages["required"] = "…", widget.attrs["placeholder"] = "…"
                if isinstance(target, ast.Subscript) and (
                    getattr(target.value, "attr", None) == "error_messages"
                    or getattr(target.slice, "value", None) in SHOWN_KEYS
                ):
                    yield node.value
        elif isinstance(node, ast.ClassDef) and (node.name == "Meta" or is_app_config(node)):
            for statement in node.body:
                if isinstance(statement, ast.Assign) and any(
                    getattr(target, "id", None) in ("verbose_name", "verbose_name_plural")
                    for target in statement.targets
                ):
                    yield statement.value
        elif isinstance(node, ast.ClassDef) and is_choices_class(node):
            for statement in node.body:
                if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Tuple):
                    yield statement.value.elts[-1]
                elif isinstance(statement, ast.Assign) and isinstance(
                    statement.value, ast.Constant
                ):
                    # No label: Django makes an English one from the member's name.
                    yield ast.copy_location(ast.Constant(statement.targets[0].id), statement)


def python_problems(source: str) -> list[str]:
    found = []
    for value in shown_values(ast.parse(source)):
        text = unmarked_text(value)
        if text is not None:
            found.append((value.lineno, value.col_offset, text))
    return [f"line {line}: {text!r}" for line, _column, text in sorted(found)]


def project_modules():
    # Management commands talk to the person running the server, in English, like the logs.
    for folder in ("fsgs_portal", "tracker", "education"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if not {"migrations", "tests", "management"} & set(path.parts):
                yield path


@pytest.mark.parametrize(
    "path", list(project_modules()), ids=lambda path: str(path.relative_to(ROOT))
)
def test_python_text_is_marked(path):
    assert python_problems(path.read_text()) == []


EAGER_FUNCTIONS = {"gettext", "ngettext", "pgettext", "npgettext"}


def eager_translations(source: str) -> list[str]:
    """Translations that run at import time (module or class body, comprehensions included):
    a gettext() call, or a lazy string forced into a str there by `%`, `+`, str(), .format() or
    an f-string.
    They are marked, but translated once, into the language of no one."""
    tree = ast.parse(source)
    names = {
        alias.asname or alias.name: alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
        for alias in node.names
    }

    translated_names = set()

    def translation(node) -> bool:
        if isinstance(node, ast.Name):
            return node.id in translated_names
        return isinstance(node, ast.Call) and names.get(getattr(node.func, "id", None)) in (
            MARKING_FUNCTIONS
        )

    # Module constants holding a lazy translation: HELP = _("… %(default)s …").
    translated_names.update(
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign) and translation(node.value)
        for target in node.targets
        if isinstance(target, ast.Name)
    )

    def forced(node) -> bool:
        if isinstance(node, ast.Call) and names.get(getattr(node.func, "id", None)) in (
            EAGER_FUNCTIONS
        ):
            return True
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            return translation(node.left)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return translation(node.left) or translation(node.right)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "str":
            return any(translation(argument) for argument in node.args)
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "format":
            return translation(node.func.value)
        if isinstance(node, ast.FormattedValue):
            return translation(node.value)
        return False

    found = []

    def visit(node):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return
        if forced(node):
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


@pytest.mark.parametrize(
    "path", list(project_modules()), ids=lambda path: str(path.relative_to(ROOT))
)
def test_no_translation_runs_at_import(path):
    assert eager_translations(path.read_text()) == []


def test_import_time_checker_finds_eager_gettext():
    assert eager_translations((FIXTURES / "unmarked.py.fixture").read_text()) == [
        "line 56: _('Weight')",
        "line 63: gettext_lazy('Grade %(grade)s') % {'grade': grade}",
        "line 69: HELP % {'default': '1 kg'}",
        "line 71: gettext_lazy('Diary') + ': '",
    ]
    assert eager_translations((FIXTURES / "marked.py.fixture").read_text()) == []


def project_forms():
    """Every form class of the project (its modules imported first)."""
    for package in ("fsgs_portal", "tracker", "education"):
        for module in pkgutil.walk_packages(
            importlib.import_module(package).__path__, f"{package}."
        ):
            if not re.search(r"\.(migrations|management|settings|wsgi|asgi|gunicorn)", module.name):
                importlib.import_module(module.name)

    def subclasses(cls):
        for subclass in cls.__subclasses__():
            yield subclass
            yield from subclasses(subclass)

    return sorted(
        {form for form in subclasses(forms.BaseForm) if form.__module__.startswith(PACKAGES)},
        key=lambda form: f"{form.__module__}.{form.__qualname__}",
    )


PACKAGES = ("fsgs_portal.", "tracker.", "education.")


def fixed_words(form) -> list[str]:
    """Labels, help, empty labels, error messages and widget words of a form's fields that are
    plain strings: they were turned into English when the class was defined (a `%` or a
    format_html at import time), so the reader's language never reaches them."""
    found = []
    for name, field in form.base_fields.items():
        words = {
            "label": field.label,
            "help_text": field.help_text,
            "empty_label": getattr(field, "empty_label", None),
            **{f"error_messages[{key}]": text for key, text in field.error_messages.items()},
            **{
                f"attrs[{key}]": text
                for key, text in field.widget.attrs.items()
                if key in SHOWN_KEYS
            },
        }
        for where, text in words.items():
            if isinstance(text, str) and not isinstance(text, Promise) and has_words(text):
                found.append(f"{form.__name__}.{name}.{where}: {text[:60]}")
    return found


@pytest.mark.parametrize("form", project_forms(), ids=lambda form: form.__qualname__)
def test_form_words_follow_the_language(form):
    assert fixed_words(form) == []


def test_form_checker_finds_words_fixed_at_import():
    class FixedForm(forms.Form):
        weight = forms.DecimalField(
            label=lazy_words("Weight"),
            help_text=str(lazy_words("In kilograms.")),
            error_messages={"invalid": lazy_words("Type %(x)s.") % {"x": "70"}},
        )
        note = forms.CharField(
            label=lazy_words("Note"),
            widget=forms.Textarea(attrs={"placeholder": "Type here", "rows": 2}),
        )

    assert fixed_words(FixedForm) == [
        "FixedForm.weight.help_text: In kilograms.",
        "FixedForm.weight.error_messages[invalid]: Type 70.",
        "FixedForm.note.attrs[placeholder]: Type here",
    ]


def test_python_checker_finds_unmarked_text():
    problems = python_problems((FIXTURES / "unmarked.py.fixture").read_text())
    found = [problem.split(": ", 1)[1] for problem in problems]
    assert found == [
        "'Weight must be a number.'",
        "'Weight'",
        "'In kilograms.'",
        "'Type a weight.'",
        "'Pick one'",
        "'Saved.'",
        "'That day is taken.'",
        "'Your reminder'",
        "'The file is empty.'",
        "'Mild'",
        "'SEVERE'",
        "'diary day'",
        "'<span class=\"visually-hidden\"> (required)</span>'",
        "'Done.'",
        "'Type a height.'",
    ]


def test_python_checker_accepts_marked_text():
    assert python_problems((FIXTURES / "marked.py.fixture").read_text()) == []


# JavaScript --------------------------------------------------------------------------------------

JS_LITERAL = re.compile(
    r"""//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`""", re.S
)
SHOWN_BY_SCRIPT = re.compile(
    r"""(?:\.(?:textContent|innerText|innerHTML|title|ariaLabel|placeholder)\s*=|"""
    r"""\b(?:alert|confirm|prompt)\(|"""
    r"""setAttribute\(\s*["'](?:aria-label|title|alt|placeholder)["']\s*,)\s*$"""
)
# Literals with words that are not text for people: the strict-mode directive, the title a
# notification falls back to when its payload has none (the brand, the same in every language),
# and the mark the service worker puts on a page it served from its store.
JS_ALLOWLIST = {'"use strict"', '"FSGS Portal"', '"<html data-saved-copy"'}


def script_problems(source: str) -> list[str]:
    problems = []
    for match in JS_LITERAL.finditer(source):
        literal = match.group()
        if literal.startswith(("//", "/*")) or literal in JS_ALLOWLIST:
            continue
        words = literal[1:-1]
        shown = SHOWN_BY_SCRIPT.search(source[: match.start()]) and LETTERS.search(words)
        if SENTENCE.search(words) or shown:
            line = source.count("\n", 0, match.start()) + 1
            problems.append(f"line {line}: {literal}")
    return problems


def project_scripts():
    return sorted(
        path for path in (ROOT / "static" / "js").glob("*.js") if "vendor" not in path.name
    )


@pytest.mark.parametrize("path", project_scripts(), ids=lambda path: path.name)
def test_script_text_comes_from_the_page(path):
    assert script_problems(path.read_text()) == []


def test_script_checker_finds_literal_words():
    problems = script_problems((FIXTURES / "unmarked.js.fixture").read_text())
    assert [problem.split(": ", 1)[1] for problem in problems] == [
        '"Copied to the clipboard."',
        "'Saved'",
        "`Waiting to send ${count} days`",
        '"Leave this page?"',
        '"Close"',
    ]


def test_script_checker_accepts_words_from_the_page():
    assert script_problems((FIXTURES / "marked.js.fixture").read_text()) == []


# CSS ---------------------------------------------------------------------------------------------

CSS_CONTENT = re.compile(r"""content:([^;}]*)""")
CSS_STRING = re.compile(r""""[^"]*"|'[^']*'""")


def style_problems(source: str) -> list[str]:
    """Words in `content:` strings (a PDF's "Page 1 of 2"): CSS cannot be translated, so the
    words come from the template (a running element) and only counters stay in the CSS."""
    return [
        literal
        for declaration in CSS_CONTENT.findall(source)
        for literal in CSS_STRING.findall(declaration)
        if has_words(literal[1:-1])
    ]


@pytest.mark.parametrize(
    "path", sorted((ROOT / "static" / "css").glob("*.css")), ids=lambda path: path.name
)
def test_style_sheets_hold_no_words(path):
    assert style_problems(path.read_text()) == []


def test_style_checker_finds_words():
    source = '@page { @bottom-right { content: "Page " counter(page) " of " counter(pages); } }'
    assert style_problems(source) == ['"Page "', '" of "']
    assert style_problems('.x::before { content: attr(data-label) ": "; }') == []
