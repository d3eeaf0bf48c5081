"""Edición pública (`make publicar`): completa, autónoma y sin respuestas calificadas.

Se escribe una vez en una carpeta temporal fuera del repositorio, se copia a otra carpeta
(sin acceso a este repositorio) y allí se construye con su propio `make book` (la preparación,
en segundo plano desde el principio de la sesión: tests/edicion_publica.py); después se
ejecutan, en una carpeta vacía, los cuadernos de los capítulos que ofrece para descargar.
"""
import datetime as dt
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

import edicion_publica
from edicion_publica import entorno_limpio, publicar
from publicacion import calendario, sustitucion
from publicacion.generar import material_del_profesor
from solutions.talleres import TALLERES

RAIZ = Path(__file__).resolve().parents[1]
PUBLICADOS = ("regla-cadena", "descenso-gradiente", "xor-propagacion")  # según calendario.yml


@pytest.fixture(scope="session")
def publico():
    """`make publicar` (con la comprobación de sustitución) en una carpeta temporal."""
    destino, resultado = edicion_publica.publicada()
    assert resultado.returncode == 0, resultado.stdout + resultado.stderr
    return destino


@pytest.fixture(scope="session")
def publico_construido(publico, libro_html):
    """Copia de la edición pública en otra carpeta, construida con su propio `make book`.

    Su .venv se crea en segundo plano (tests/edicion_publica.py). Los capítulos son los mismos
    que los del libro del profesor (lo comprueba otra prueba): su caché de ejecución se copia y
    no se vuelven a ejecutar aquí; sí se ejecutan, con el .venv público y fuera del repositorio,
    en test_los_cuadernos_descargables_de_los_capitulos_se_ejecutan_fuera_del_repositorio.
    """
    copia, entorno = edicion_publica.copia_con_entorno()
    assert entorno.returncode == 0, (
        "La edición pública no crea su entorno por sí sola:\n" + entorno.stdout[-5000:] + entorno.stderr[-3000:])
    cache = libro_html.parent / ".jupyter_cache"
    if cache.is_dir() and not (copia / "_build").exists():
        shutil.copytree(cache, copia / "_build" / ".jupyter_cache")
    resultado = subprocess.run(["make", "book"], cwd=copia, env=entorno_limpio(),
                               capture_output=True, text=True)
    assert resultado.returncode == 0, (
        "El libro de la edición pública no se construye por sí solo:\n"
        + resultado.stdout[-5000:] + resultado.stderr[-3000:])
    # Su Makefile construye con --warningiserror: terminar bien ya supone 0 avisos de Sphinx.
    assert "build succeeded" in resultado.stdout and not re.search(r"build succeeded, \d+ warning", resultado.stdout)
    return copia


class _Enlaces(HTMLParser):
    def __init__(self):
        super().__init__()
        self.enlaces = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.enlaces.append(dict(attrs))


def _enlaces(html):
    lector = _Enlaces()
    lector.feed(html)
    return lector.enlaces


# --- Calendario ---------------------------------------------------------------------------------

DEPS = {"regla-cadena": [], "descenso-gradiente": [], "xor-propagacion": [],
        "xor-retropropagacion": ["xor-propagacion"], "sgd-minilotes": []}


def _calendario(**talleres):
    base = {t: calendario.Entrada(t, False) for t in TALLERES}
    base.update({t: calendario.Entrada(t, *v) for t, v in talleres.items()})
    return base


def test_las_dependencias_se_deducen_de_los_cuadernos():
    assert calendario.dependencias(RAIZ / "exercises") == DEPS


def test_el_taller_4_no_sale_antes_del_plazo_del_taller_3():
    cal = _calendario(**{"xor-propagacion": (True, dt.date(2027, 3, 1)),
                         "xor-retropropagacion": (dt.date(2027, 3, 2),)})
    antes = calendario.decidir(cal, dt.date(2027, 3, 1), DEPS)
    assert antes["xor-propagacion"].publicado
    assert not antes["xor-retropropagacion"].publicado
    assert antes["xor-retropropagacion"].aviso == "Se publicará el 2 de marzo de 2027."
    assert calendario.decidir(cal, dt.date(2027, 3, 2), DEPS)["xor-retropropagacion"].publicado


@pytest.mark.parametrize("entrada, fragmento", [
    ((True,), "Fija en calendario.yml la «entrega» de «xor-propagacion»"),  # sin plazo fijado
    ((dt.date(2027, 3, 1),), "cuyo plazo de entrega termina el 1 de marzo de 2027"),  # el mismo día
])
def test_el_calendario_se_niega_a_publicar_el_taller_4_por_accidente(entrada, fragmento):
    entrega = None if entrada == (True,) else dt.date(2027, 3, 1)
    cal = _calendario(**{"xor-propagacion": (True, entrega), "xor-retropropagacion": entrada})
    with pytest.raises(calendario.ErrorDeCalendario, match=fragmento):
        calendario.decidir(cal, dt.date(2027, 6, 1), DEPS)


def test_aviso_del_taller_4_sin_fecha():
    cal = _calendario(**{"xor-propagacion": (True, dt.date(2027, 3, 1))})
    estado = calendario.decidir(cal, dt.date(2027, 2, 1), DEPS)["xor-retropropagacion"]
    assert estado == calendario.Estado(
        False, "Se publicará cuando termine el plazo de entrega del taller 3 (1 de marzo de 2027).")


@pytest.mark.parametrize("contenido, fragmento", [
    ("talleres:\n  regla-cadena:\n    publicar: mañana\n", "no es una fecha"),
    ("talleres:\n  xor:\n    publicar: true\n", "no es un taller del curso"),
    ("talleres:\n  regla-cadena:\n    publica: true\n", "claves desconocidas"),
    ("talleres: [\n", "no es YAML válido"),
])
def test_errores_del_calendario_en_espanol(tmp_path, contenido, fragmento):
    ruta = tmp_path / "calendario.yml"
    ruta.write_text(contenido, encoding="utf-8")
    with pytest.raises(calendario.ErrorDeCalendario, match=fragmento):
        calendario.leer(ruta)


def test_make_publicar_rechaza_un_calendario_que_adelanta_el_taller_4(tmp_path):
    cal = tmp_path / "calendario.yml"
    cal.write_text("talleres:\n  xor-propagacion:\n    publicar: true\n    entrega: \"2027-03-01\"\n"
                   "  xor-retropropagacion:\n    publicar: \"2027-02-20\"\n", encoding="utf-8")
    destino = tmp_path / "_publico"
    resultado = publicar(destino, "--calendario", str(cal), "--fecha", "2027-01-10", "--sin-comprobar")
    assert resultado.returncode == 1
    assert "No se ha publicado nada" in resultado.stderr and "20 de febrero de 2027" in resultado.stderr
    assert not destino.exists()


def test_el_taller_4_se_publica_tras_el_plazo_y_conserva_git(tmp_path):
    cal = tmp_path / "calendario.yml"
    cal.write_text("talleres:\n  regla-cadena:\n    publicar: true\n  xor-propagacion:\n    publicar: true\n"
                   "    entrega: \"2027-03-01\"\n  xor-retropropagacion:\n    publicar: \"2027-03-02\"\n",
                   encoding="utf-8")
    destino = tmp_path / "_publico"
    (destino / ".git").mkdir(parents=True)
    (destino / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (destino / "viejo.txt").write_text("de una publicación anterior")
    antes = publicar(destino, "--calendario", str(cal), "--fecha", "2027-03-01", "--sin-comprobar")
    assert antes.returncode == 0, antes.stderr
    assert not (destino / "talleres" / "xor-retropropagacion").exists()
    config = yaml.safe_load((destino / "_config.yml").read_text(encoding="utf-8"))
    assert config["sphinx"]["config"]["curso_avisos"]["xor-retropropagacion"] == "Se publicará el 2 de marzo de 2027."
    despues = publicar(destino, "--calendario", str(cal), "--fecha", "2027-03-02", "--sin-comprobar")
    assert despues.returncode == 0, despues.stderr
    assert sorted(p.name for p in (destino / "talleres").iterdir()) == [
        "regla-cadena", "xor-propagacion", "xor-retropropagacion"]
    assert (destino / ".git" / "HEAD").is_file() and not (destino / "viejo.txt").exists()


# --- Comprobación de sustitución ----------------------------------------------------------------

def test_la_comprobacion_de_sustitucion_detecta_una_respuesta_renombrada(tmp_path):
    """Un capítulo con la entropía cruzada como función reutilizable sirve como `costoGlobal`."""
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "capitulo.md").write_text(
        "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
        "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n---\n\n# Prueba\n\n"
        "```{code-cell} ipython3\nimport numpy as np\n\n"
        "def entropia(y_pred, y):\n    return float(-np.mean(y * np.log(y_pred) + (1 - y) * np.log(1 - y_pred)))\n\n"
        "def media(v):\n    return float(np.mean(v))\n```\n", encoding="utf-8")
    assert sustitucion.filtraciones(tmp_path) == [
        {"origen": "book/capitulo.md", "nombre": "entropia", "calificada": "costoGlobal"}]


def test_la_celda_dada_del_taller_4_solo_pasa_con_sus_exenciones(tmp_path):
    """Y el cuaderno del taller 5 no trae respuestas: sus funciones dadas (softmax, coste, exactitud,
    datos) no superan las pruebas ocultas de ninguna función calificada."""
    origen = "talleres/xor-retropropagacion/xor-retropropagacion.ipynb"
    for taller in ("xor-retropropagacion", "sgd-minilotes"):
        (tmp_path / "talleres" / taller).mkdir(parents=True)
        shutil.copy2(RAIZ / "exercises" / taller / f"{taller}.ipynb", tmp_path / "talleres" / taller)
    sin_exenciones = sustitucion.filtraciones(tmp_path)
    assert {f["origen"] for f in sin_exenciones} == {origen}
    assert {f["calificada"] for f in sin_exenciones} == {"feedForward", "costoGlobal"}
    exentas = {origen: sorted(TALLERES["xor-propagacion"].funciones)}
    assert sustitucion.filtraciones(tmp_path, exentas) == []


# --- La edición pública -------------------------------------------------------------------------

def test_la_guia_del_profesor_no_va_a_la_edicion_publica(tmp_path):
    """book/guia-profesor/ trae rúbricas y respuestas modelo: nunca se copia."""
    from publicacion import generar

    assert list((RAIZ / "book" / "guia-profesor").glob("*.md")), "falta la guía del profesor"
    generar._escribir_arbol(tmp_path, {t: calendario.Estado(False, "Más adelante.") for t in TALLERES})
    assert (tmp_path / "book" / "08-talleres.md").is_file()
    assert not (tmp_path / "book" / "guia-profesor").exists()


def test_la_edicion_publica_tiene_lo_que_necesita_y_nada_del_profesor(publico):
    for necesario in ("README.md", "LICENCIA.md", "Makefile", "requirements.txt", "requirements-libro.txt",
                      "constraints.txt", "pyproject.toml", "_config.yml", "_toc.yml", ".gitignore",
                      ".github/workflows/pages.yml", "herramientas/__init__.py", "_ext/talleres_sphinx.py"):
        assert (publico / necesario).is_file(), f"falta {necesario}"
    for prohibido in ("solutions", "autograder", "tests", "exercises", "publicacion", "calendario.yml"):
        assert not (publico / prohibido).exists(), f"la edición pública no debe llevar {prohibido}"
    assert not list(publico.rglob("gradebook.db")) and not list(publico.rglob("*.pyc"))
    assert material_del_profesor(publico) == []
    assert sorted(p.name for p in (publico / "talleres").iterdir()) == sorted(PUBLICADOS)
    for taller in PUBLICADOS:  # copias exactas de los cuadernos del estudiante
        cuaderno = f"{taller}/{TALLERES[taller].cuaderno}"
        assert (publico / "talleres" / cuaderno).read_bytes() == (RAIZ / "exercises" / cuaderno).read_bytes()
    for capitulo in (RAIZ / "book").glob("*.md"):
        assert (publico / "book" / capitulo.name).read_bytes() == capitulo.read_bytes()


def test_la_configuracion_publica_es_la_del_profesor_con_la_edicion_publica(publico):
    privada = yaml.safe_load((RAIZ / "_config.yml").read_text(encoding="utf-8"))
    publica = yaml.safe_load((publico / "_config.yml").read_text(encoding="utf-8"))
    assert publica["sphinx"]["config"]["curso_edicion"] == "publica"
    assert privada["sphinx"]["config"]["curso_edicion"] == "profesor"
    assert publica["repository"] == privada["repository"]  # la URL pública se fija en un solo sitio
    assert publica["launch_buttons"] == privada["launch_buttons"]
    assert set(publica["sphinx"]["config"]["curso_avisos"]) == {"xor-retropropagacion", "sgd-minilotes"}
    assert not any("solutions" in p or "autograder" in p for p in publica["exclude_patterns"])


def test_requisitos_publicos_fijados_y_sin_herramientas_del_profesor(publico):
    requisitos = (publico / "requirements.txt").read_text(encoding="utf-8")
    libro = (publico / "requirements-libro.txt").read_text(encoding="utf-8")
    assert "-e ." in requisitos and "numpy==" in requisitos and "matplotlib==" in requisitos
    assert "jupyter-book==" in libro and "-r requirements.txt" in libro
    for herramienta in ("nbgrader", "pytest", "playwright", "nbval"):
        assert herramienta not in requisitos + libro


def test_flujo_de_github_pages(publico):
    flujo = yaml.safe_load((publico / ".github/workflows/pages.yml").read_text(encoding="utf-8"))
    pasos = flujo["jobs"]["construir"]["steps"]
    assert any(p.get("run") == "make book" for p in pasos)
    assert any(p.get("uses", "").startswith("actions/upload-pages-artifact") and p["with"]["path"] == "_build/html"
               for p in pasos)
    assert flujo["permissions"]["pages"] == "write"
    assert any(p.get("uses", "").startswith("actions/deploy-pages") for p in flujo["jobs"]["desplegar"]["steps"])


def test_el_readme_publico_es_para_estudiantes(publico):
    texto = (publico / "README.md").read_text(encoding="utf-8")
    for fragmento in ("Leer el libro", "Binder", "JupyterHub", "Colab", "pip install -r requirements.txt",
                      "Licencia", "talleres/regla-cadena/regla-cadena.ipynb",
                      "Se publicará cuando termine el plazo de entrega del taller 3"):
        assert fragmento in texto, fragmento
    assert "$" not in texto.replace("$ ", "")  # ninguna variable de la plantilla sin sustituir


def test_la_edicion_publica_construye_su_libro_sola(publico_construido):
    html = publico_construido / "_build" / "html"
    assert (html / "book" / "intro.html").is_file()
    talleres = (html / "book" / "08-talleres.html").read_text(encoding="utf-8")
    assert "Aún no publicado" in talleres and "Se publicará cuando termine el plazo" in talleres
    enlaces = _enlaces(talleres)
    descargas = sorted(Path(e["href"]).name for e in enlaces if "download" in e)
    assert descargas == sorted(f"{t}.ipynb" for t in PUBLICADOS)
    config = yaml.safe_load((publico_construido / "_config.yml").read_text(encoding="utf-8"))
    repositorio = config["repository"]["url"]
    nombre = repositorio.rsplit("/", 1)[-1]
    for taller in PUBLICADOS:
        ruta = f"talleres/{taller}/{taller}.ipynb"
        assert (publico_construido / ruta).is_file()
        urls = [e["href"] for e in enlaces if ruta in e.get("href", "") or
                ruta in " ".join(v[0] for v in parse_qs(urlparse(e.get("href", "")).query).values())]
        binder = [u for u in urls if u.startswith(config["launch_buttons"]["binderhub_url"])]
        colab = [u for u in urls if u.startswith("https://colab.research.google.com/github/")]
        hub = [u for u in urls if "/hub/user-redirect/git-pull?" in u]
        assert binder and colab and hub, f"{taller}: faltan enlaces de lanzamiento ({urls})"
        assert colab[0].endswith(f"/blob/{config['repository']['branch']}/{ruta}")
        consulta = parse_qs(urlparse(hub[0]).query)
        assert consulta["repo"] == [repositorio] and consulta["urlpath"] == [f"lab/tree/{nombre}/{ruta}"]
    assert "xor-retropropagacion.ipynb" not in talleres


def test_los_cuadernos_descargables_de_los_capitulos_se_ejecutan_fuera_del_repositorio(
        publico_construido, tmp_path):
    cuadernos = sorted((publico_construido / "_build/html/_sources/book").glob("0*.ipynb"))
    assert len(cuadernos) >= 7
    vacia = tmp_path / "descargas"
    vacia.mkdir()
    for cuaderno in cuadernos:
        shutil.copy2(cuaderno, vacia / cuaderno.name)
    # Dos cuadernos a la vez (uno por núcleo) desde un solo proceso: los núcleos de Jupyter de un mismo
    # proceso nunca reciben el mismo puerto; los de dos procesos, rara vez sí (jupyter_client#487).
    guion = ("import asyncio, sys, nbformat\nfrom nbclient import NotebookClient\n"
             "async def ejecutar(ruta, turno):\n"
             "    async with turno:\n"
             "        nb = nbformat.read(ruta, as_version=4)\n"
             "        await NotebookClient(nb, timeout=300, kernel_name='python3',\n"
             "                             resources={'metadata': {'path': '.'}}).async_execute()\n"
             "        print('ok', ruta, flush=True)\n"
             "async def todos():\n"
             "    turno = asyncio.Semaphore(2)\n"
             "    await asyncio.gather(*(ejecutar(ruta, turno) for ruta in sys.argv[1:]))\n"
             "asyncio.run(todos())\n")
    python = publico_construido / ".venv" / "bin" / "python"
    resultado = subprocess.run([str(python), "-c", guion, *[c.name for c in cuadernos]], cwd=vacia,
                               env=dict(entorno_limpio(), MPLBACKEND="Agg"), capture_output=True, text=True)
    assert resultado.returncode == 0, resultado.stdout[-3000:] + resultado.stderr[-5000:]
    assert resultado.stdout.count("ok ") == len(cuadernos)
