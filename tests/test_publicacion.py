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
from zoneinfo import ZoneInfo

import pytest
import yaml

import edicion_publica
from edicion_publica import entorno_limpio, publicar
from publicacion import calendario
from publicacion.generar import material_del_profesor
from solutions.talleres import TALLERES

RAIZ = Path(__file__).resolve().parents[1]
PUBLICADOS = ("regla-cadena", "descenso-gradiente", "xor-propagacion")  # según calendario.yml, en FECHA


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
    assert _diferencias_de_la_copia() == []  # es la edición comprobada, y no otra
    assert entorno.returncode == 0, (
        "La edición pública no crea su entorno por sí sola:\n" + entorno.stdout[-5000:] + entorno.stderr[-3000:])
    cache = libro_html.parent / ".jupyter_cache"
    if cache.is_dir() and not (copia / "_build").exists():
        shutil.copytree(cache, copia / "_build" / ".jupyter_cache")
    resultado = subprocess.run(["make", "book"], cwd=copia, env=entorno_limpio(),
                               capture_output=True, text=True)
    SALIDAS["make book"] = resultado.stdout
    assert resultado.returncode == 0, (
        "El libro de la edición pública no se construye por sí solo:\n"
        + resultado.stdout[-5000:] + resultado.stderr[-3000:])
    # Su Makefile construye con --warningiserror: terminar bien ya supone 0 avisos de Sphinx.
    assert "build succeeded" in resultado.stdout and not re.search(r"build succeeded, \d+ warning", resultado.stdout)
    return copia


SALIDAS = {}  # salida de las órdenes de las fijaciones, para las pruebas que la miran


def _diferencias_de_la_copia():
    """Ficheros en que la copia (antes de su `make entorno`) no es la edición comprobada.

    La copia sale de otra publicación del mismo commit y la misma fecha, sin la comprobación de
    sustitución, para crear su entorno mientras dura la comprobación (tests/edicion_publica.py).
    """
    copia, comprobada = edicion_publica.huellas()
    assert copia and comprobada, "falta la huella de la copia o la de la edición comprobada"
    return sorted(r for r in set(copia) | set(comprobada) if copia.get(r) != comprobada.get(r))


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
MADRID = ZoneInfo("Europe/Madrid")


def _instante(texto):
    return dt.datetime.fromisoformat(texto).replace(tzinfo=MADRID)


def _calendario(**talleres):
    base = {t: calendario.Entrada(t) for t in TALLERES}
    base.update({t: calendario.Entrada(t, *[_instante(v) if v else None for v in valores])
                 for t, valores in talleres.items()})
    return calendario.Calendario(MADRID, base)


def test_las_dependencias_se_deducen_de_los_cuadernos():
    assert calendario.dependencias(RAIZ / "exercises") == DEPS


def test_el_calendario_del_curso_tiene_las_fechas_del_plan_docente():
    """Las fechas de la propuesta de curso de seis semanas (primavera de 2027), en Europe/Madrid."""
    cal = calendario.leer(RAIZ / "calendario.yml")
    assert cal.zona.key == "Europe/Madrid"
    assert cal.retraso == calendario.Retraso(10.0, 3)
    fechas = {t: (e.publicar.strftime("%Y-%m-%d %H:%M"), e.entrega.strftime("%Y-%m-%d %H:%M"))
              for t, e in cal.items() if e.publicar}
    assert fechas == {"descenso-gradiente": ("2027-02-15 09:00", "2027-02-28 23:59"),
                      "regla-cadena": ("2027-02-22 09:00", "2027-03-07 23:59"),
                      "xor-propagacion": ("2027-03-01 09:00", "2027-03-07 23:59"),
                      "xor-retropropagacion": ("2027-03-08 09:00", "2027-03-21 23:59"),
                      "sgd-minilotes": ("2027-03-15 09:00", "2027-03-28 23:59")}
    assert cal["xor-propagacion"].fin_del_plazo == _instante("2027-03-08 00:00")


def test_el_taller_4_no_sale_antes_del_plazo_del_taller_3():
    cal = _calendario(**{"xor-propagacion": ("2027-03-01 09:00", "2027-03-07 23:59"),
                         "xor-retropropagacion": ("2027-03-08 09:00", None)})
    antes = calendario.decidir(cal, _instante("2027-03-08 08:59"), DEPS)
    assert antes["xor-propagacion"].publicado and not antes["xor-retropropagacion"].publicado
    assert antes["xor-retropropagacion"].aviso == "Se publicará el 8 de marzo de 2027 a las 9:00."
    assert calendario.decidir(cal, _instante("2027-03-08 09:00"), DEPS)["xor-retropropagacion"].publicado


@pytest.mark.parametrize("taller_3, fragmento", [
    (("2027-03-01 09:00", None), "Fija en calendario.yml la «entrega» de «xor-propagacion»"),  # sin plazo
    (("2027-03-01 09:00", "2027-03-08 09:00"), "cuyo plazo de entrega termina el 8 de marzo de 2027 a las 9:00"),
])
def test_el_calendario_se_niega_a_publicar_el_taller_4_por_accidente(taller_3, fragmento):
    cal = _calendario(**{"xor-propagacion": taller_3, "xor-retropropagacion": ("2027-03-08 09:00", None)})
    with pytest.raises(calendario.ErrorDeCalendario, match=fragmento):
        calendario.decidir(cal, _instante("2027-01-01 00:00"), DEPS)


def test_aviso_de_un_taller_sin_fecha():
    estado = calendario.decidir(_calendario(), _instante("2027-02-01 00:00"), DEPS)["xor-retropropagacion"]
    assert estado == calendario.Estado(False, "Se publicará más adelante.")


CABECERA = "zona_horaria: Europe/Madrid\n"


@pytest.mark.parametrize("contenido, fragmento", [
    ("talleres:\n  regla-cadena:\n    publicar: \"2027-02-22 09:00\"\n", "falta «zona_horaria:»"),
    ("zona_horaria: Marte/Olimpo\ntalleres: {}\n", "no es una zona horaria conocida"),
    (CABECERA + "talleres:\n  regla-cadena:\n    publicar: mañana\n", "no es una fecha"),
    (CABECERA + "talleres:\n  regla-cadena:\n    publicar: \"2027-02-22 25:00\"\n", "no es una fecha"),
    (CABECERA + "talleres:\n  regla-cadena:\n    publicar: false\n", "ya no vale: el calendario son fechas"),
    (CABECERA + "talleres:\n  regla-cadena:\n    publicar: true\n", "no interruptores"),
    (CABECERA + "talleres:\n  xor:\n    publicar: \"2027-02-22 09:00\"\n", "no es un taller del curso"),
    (CABECERA + "talleres:\n  regla-cadena:\n    publica: \"2027-02-22 09:00\"\n", "claves desconocidas"),
    (CABECERA + "talleres:\n  regla-cadena:\n    publicar: \"2027-03-01 09:00\"\n    entrega: \"2027-02-28 23:59\"\n",
     "no es posterior a la publicación"),
    (CABECERA + "retraso: {penalizacion_por_dia: 150, dias_maximos: 3}\ntalleres: {}\n", "entre 0 y 100"),
    (CABECERA + "retraso: {penalizacion_por_dia: 10, dias_maximos: -1}\ntalleres: {}\n", "0 o más"),
    (CABECERA + "retraso: {penalizacion: 10}\ntalleres: {}\n", "solo admite «penalizacion_por_dia»"),
    (CABECERA + "talleres:\n  regla-cadena:\n    retraso: {penalizacion_por_dia: 20}\n", "falta: dias_maximos"),
    ("talleres: [\n", "no es YAML válido"),
])
def test_errores_del_calendario_en_espanol(tmp_path, contenido, fragmento):
    ruta = tmp_path / "calendario.yml"
    ruta.write_text(contenido, encoding="utf-8")
    with pytest.raises(calendario.ErrorDeCalendario, match=fragmento):
        calendario.leer(ruta)


def test_fechas_con_hora_o_sin_ella_y_retraso_por_taller(tmp_path):
    ruta = tmp_path / "calendario.yml"
    ruta.write_text(CABECERA + "retraso: {penalizacion_por_dia: 10, dias_maximos: 3}\ntalleres:\n"
                    "  regla-cadena:\n    publicar: 2027-02-22\n    entrega: \"2027-03-07\"\n"
                    "    retraso: {penalizacion_por_dia: 20, dias_maximos: 1}\n", encoding="utf-8")
    cal = calendario.leer(ruta)
    entrada = cal["regla-cadena"]
    assert entrada.publicar == _instante("2027-02-22 00:00") and entrada.entrega == _instante("2027-03-07 23:59")
    assert entrada.retraso == calendario.Retraso(20.0, 1) and cal.retraso == calendario.Retraso(10.0, 3)
    assert cal["descenso-gradiente"] == calendario.Entrada("descenso-gradiente")  # sin fechas: no se publica


def test_make_publicar_rechaza_un_calendario_que_adelanta_el_taller_4(tmp_path):
    cal = tmp_path / "calendario.yml"
    cal.write_text(CABECERA + "talleres:\n  xor-propagacion:\n    publicar: \"2027-03-01 09:00\"\n"
                   "    entrega: \"2027-03-07 23:59\"\n  xor-retropropagacion:\n    publicar: \"2027-03-07 09:00\"\n",
                   encoding="utf-8")
    destino = tmp_path / "_publico"
    resultado = publicar(destino, "--calendario", str(cal), "--fecha", "2027-01-10", "--sin-comprobar")
    assert resultado.returncode == 1
    assert "No se ha publicado nada" in resultado.stderr and "7 de marzo de 2027 a las 9:00" in resultado.stderr
    assert not destino.exists()


def test_fecha_mal_escrita(tmp_path):
    resultado = publicar(tmp_path / "_publico", "--fecha", "2 de marzo", "--sin-comprobar")
    assert resultado.returncode == 1 and "FECHA=2 de marzo: escríbela como AAAA-MM-DD" in resultado.stderr


def test_el_taller_4_se_publica_a_su_hora_conserva_git_y_el_plan_da_la_siguiente_fecha(tmp_path):
    destino = tmp_path / "_publico"
    (destino / ".git").mkdir(parents=True)
    (destino / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (destino / "viejo.txt").write_text("de una publicación anterior")
    antes = publicar(destino, "--fecha", "2027-03-08", "--sin-comprobar")  # a las 0:00: aún no
    assert antes.returncode == 0, antes.stderr
    assert not (destino / "talleres" / "xor-retropropagacion").exists()
    config = yaml.safe_load((destino / "_config.yml").read_text(encoding="utf-8"))
    assert config["sphinx"]["config"]["curso_avisos"]["xor-retropropagacion"] == (
        "Se publicará el 8 de marzo de 2027 a las 9:00.")
    assert config["sphinx"]["config"]["curso_plazos"]["regla-cadena"] == (
        "Plazo de entrega: hasta el 7 de marzo de 2027 a las 23:59.")
    assert "Siguiente publicación: el 8 de marzo de 2027 a las 9:00 (el cuaderno del taller" in antes.stdout
    despues = publicar(destino, "--fecha", "2027-03-08 09:00", "--sin-comprobar")
    assert despues.returncode == 0, despues.stderr
    assert sorted(p.name for p in (destino / "talleres").iterdir()) == sorted(
        ["descenso-gradiente", "regla-cadena", "xor-propagacion", "xor-retropropagacion"])
    assert (destino / ".git" / "HEAD").is_file() and not (destino / "viejo.txt").exists()
    assert "Siguiente publicación: el 15 de marzo de 2027 a las 9:00 (el cuaderno del taller 5" in despues.stdout


# --- La edición pública -------------------------------------------------------------------------

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
                      "Se publicará el 8 de marzo de 2027 a las 9:00."):
        assert fragmento in texto, fragmento
    assert "$" not in texto.replace("$ ", "")  # ninguna variable de la plantilla sin sustituir


def test_la_copia_que_se_construye_es_la_edicion_comprobada(publico):
    """Lo que se instala y se construye fuera del repositorio es, byte a byte, lo que comprobó make publicar."""
    assert _diferencias_de_la_copia() == []
    assert len(edicion_publica.huellas()[1]) == sum(1 for r in publico.rglob("*") if r.is_file())


def test_la_edicion_publica_construye_su_libro_sola(publico_construido):
    html = publico_construido / "_build" / "html"
    assert (html / "book" / "intro.html").is_file()
    talleres = (html / "book" / "08-talleres.html").read_text(encoding="utf-8")
    assert "Aún no publicado" in talleres and "Se publicará el 8 de marzo de 2027 a las 9:00." in talleres
    assert "Plazo de entrega: hasta el 7 de marzo de 2027 a las 23:59." in talleres  # regla-cadena y xor-propagacion
    # Con las URL de ejemplo de _config.yml, su make book avisa: una línea.
    assert SALIDAS["make book"].count("Aviso: el libro aún enlaza a direcciones de ejemplo") == 1
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


def test_make_publicar_dice_que_comprobo_todas_las_fechas(publico):
    """La comprobación de sustitución corre sobre la edición completa y decide para cada fecha."""
    _, resultado = edicion_publica.publicada()
    assert "ninguna fecha del calendario publica una respuesta antes de su plazo" in resultado.stdout
    # Lo único que resuelve algo es la celda dada del taller 4 (sus funciones del taller 3), que sale tras el plazo.
    assert "Tras los plazos se publican 2 que sí resuelven algo: costoGlobal, feedForward." in resultado.stdout
    assert resultado.stderr.count("Aviso:") == 1  # las direcciones de ejemplo de _config.yml, en una línea


# --- Solo lo commiteado, sin la guía del profesor, con los solucionarios a su hora ----------------

def _git(carpeta, *argumentos):
    resultado = subprocess.run(["git", *argumentos], cwd=carpeta, capture_output=True, text=True)
    assert resultado.returncode == 0, resultado.stderr
    return resultado.stdout


@pytest.fixture
def clon(tmp_path):
    """Un clon del último commit de este repositorio, para cambiarlo sin tocar el de verdad."""
    destino = tmp_path / "repositorio"
    _git(tmp_path, "clone", "--quiet", "--no-hardlinks", str(RAIZ), str(destino))
    _git(destino, "config", "user.email", "pruebas@example.org")
    _git(destino, "config", "user.name", "Pruebas")
    return destino


def _publicar_clon(clon, destino, *argumentos):
    return publicar(destino, "--repositorio", str(clon), "--fecha", "2027-03-02 10:00", "--sin-comprobar",
                    *argumentos)


def test_solo_se_publica_lo_commiteado(clon, tmp_path):
    destino = tmp_path / "_publico"
    (clon / "book" / "notas-profesor.md").write_text("# Notas del profesor\n\nRespuestas del examen.\n")
    capitulo = clon / "book" / "03-descenso-de-gradiente.md"
    original = capitulo.read_text(encoding="utf-8")
    capitulo.write_text(original + "\nUn párrafo sin commitear.\n", encoding="utf-8")
    (clon / "notas-sueltas.txt").write_text("fuera de lo que se publica: no importa")
    resultado = _publicar_clon(clon, destino)
    assert resultado.returncode == 1 and not destino.exists()
    assert "solo se publica lo commiteado" in resultado.stderr
    assert "book/notas-profesor.md (sin seguimiento)" in resultado.stderr
    assert "book/03-descenso-de-gradiente.md (modificado)" in resultado.stderr
    assert "notas-sueltas.txt" not in resultado.stderr
    # Con el capítulo commiteado y las notas fuera, se publica lo commiteado, y nada más.
    _git(clon, "commit", "--quiet", "-am", "Un párrafo nuevo")
    (clon / "book" / "notas-profesor.md").unlink()
    resultado = _publicar_clon(clon, destino)
    assert resultado.returncode == 0, resultado.stderr
    publicado = (destino / "book" / "03-descenso-de-gradiente.md").read_text(encoding="utf-8")
    assert "Un párrafo sin commitear." in publicado
    assert not (destino / "book" / "notas-profesor.md").exists()
    assert f"desde el commit {_git(clon, 'rev-parse', '--short', 'HEAD').strip()}" in resultado.stdout


def test_la_guia_del_profesor_nunca_llega_a_la_edicion_publica(clon, tmp_path):
    guia = clon / "book" / "guia-profesor"
    guia.mkdir(exist_ok=True)
    (guia / "pagina-de-prueba.md").write_text("# Guía: página de prueba\n\nRespuestas modelo.\n", encoding="utf-8")
    indice = yaml.safe_load((clon / "_toc.yml").read_text(encoding="utf-8"))
    indice["parts"].append({"caption": "Guía del profesor",
                            "chapters": [{"file": "book/guia-profesor/pagina-de-prueba"}]})
    (clon / "_toc.yml").write_text(yaml.safe_dump(indice, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _git(clon, "add", "-A")
    _git(clon, "commit", "--quiet", "-m", "Una página de la guía del profesor")
    destino = tmp_path / "_publico"
    resultado = _publicar_clon(clon, destino)
    assert resultado.returncode == 0, resultado.stderr
    assert not (destino / "book" / "guia-profesor").exists()
    publico = (destino / "_toc.yml").read_text(encoding="utf-8")
    assert "guia-profesor" not in publico and "Guía del profesor" not in publico
    ficheros = [c["file"] for parte in yaml.safe_load(publico)["parts"] for c in parte["chapters"]]
    assert ficheros and all((destino / f"{f}.md").is_file() for f in ficheros)
    # Y una página publicada que enlazara a la guía se rechaza: el enlace se rompería.
    (clon / "book" / "intro.md").write_text((clon / "book" / "intro.md").read_text(encoding="utf-8")
                                            + "\nVéase {doc}`guia-profesor/pagina-de-prueba`.\n", encoding="utf-8")
    _git(clon, "commit", "--quiet", "-am", "Un enlace a la guía")
    resultado = _publicar_clon(clon, tmp_path / "otra")
    assert resultado.returncode == 1 and "book/intro.md («guia-profesor»)" in resultado.stderr


def test_aviso_de_direcciones_de_ejemplo_solo_mientras_quedan(clon, tmp_path):
    destino = tmp_path / "_publico"
    con_ejemplos = _publicar_clon(clon, destino)
    assert con_ejemplos.returncode == 0
    assert con_ejemplos.stderr.strip().count("\n") == 0 and "TU-ORGANIZACION" in con_ejemplos.stderr
    config = (clon / "_config.yml").read_text(encoding="utf-8")
    config = config.replace("TU-ORGANIZACION", "mi-universidad").replace("TU-UNIVERSIDAD", "mi-universidad")
    (clon / "_config.yml").write_text(config, encoding="utf-8")
    _git(clon, "commit", "--quiet", "-am", "Direcciones de verdad")
    sin_ejemplos = _publicar_clon(clon, destino)
    assert sin_ejemplos.returncode == 0 and "Aviso" not in sin_ejemplos.stderr
    # El make book de la edición pública también avisa, en una línea, solo mientras queden.
    aviso = next(linea.strip().lstrip("@") for linea in (destino / "Makefile").read_text(encoding="utf-8").splitlines()
                 if "TU-ORGANIZACION" in linea)
    assert subprocess.run(["bash", "-c", aviso], cwd=destino, capture_output=True, text=True).stdout == ""
    shutil.copy2(RAIZ / "_config.yml", destino / "_config.yml")  # las de ejemplo otra vez
    salida = subprocess.run(["bash", "-c", aviso], cwd=destino, capture_output=True, text=True).stdout
    assert salida.count("\n") == 1 and salida.startswith("Aviso: el libro aún enlaza a direcciones de ejemplo")


CAPITULO_CON_SOLUCIONARIO = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# Un capítulo con solucionario

```{code-cell} ipython3
import numpy as np
```

% solucionario: xor-propagacion
(sec-solucionario-prueba)=
## La propagación, resuelta

```{code-cell} ipython3
def propagacion_resuelta(X, w1, w2, b1, b2):
    a1 = 1 / (1 + np.exp(-(w1 @ X + b1)))
    return a1, 1 / (1 + np.exp(-(w2 @ a1 + b2)))
```
% fin del solucionario

## Después

Texto que sigue igual.
"""


def _con_solucionario(clon, texto=CAPITULO_CON_SOLUCIONARIO):
    (clon / "book" / "99-solucionario.md").write_text(texto, encoding="utf-8")
    _git(clon, "add", "-A")
    _git(clon, "commit", "--quiet", "-m", "Un capítulo con solucionario")


def test_un_solucionario_aparece_cuando_termina_su_plazo(clon, tmp_path):
    _con_solucionario(clon)
    antes = publicar(tmp_path / "antes", "--repositorio", str(clon), "--fecha", "2027-03-07 23:59", "--sin-comprobar")
    assert antes.returncode == 0, antes.stderr
    texto = (tmp_path / "antes" / "book" / "99-solucionario.md").read_text(encoding="utf-8")
    assert "propagacion_resuelta" not in texto and "solucionario:" not in texto
    assert "(sec-solucionario-prueba)=\n## La propagación, resuelta" in texto  # título y etiqueta se quedan
    assert "Aparecerá aquí el 8 de marzo de 2027 a las 0:00, cuando termine el plazo de entrega" in texto
    assert "## Después\n\nTexto que sigue igual." in texto
    assert ("Solucionario de «xor-propagacion» en book/99-solucionario.md: aparecerá el 8 de marzo de 2027 "
            "a las 0:00") in antes.stdout
    despues = publicar(tmp_path / "despues", "--repositorio", str(clon), "--fecha", "2027-03-08", "--sin-comprobar")
    assert despues.returncode == 0, despues.stderr
    texto = (tmp_path / "despues" / "book" / "99-solucionario.md").read_text(encoding="utf-8")
    assert "def propagacion_resuelta" in texto and "% solucionario" not in texto and "Aparecerá aquí" not in texto


def test_la_comprobacion_sabe_cuando_se_publica_cada_solucionario(tmp_path):
    """Marcado con el plazo de su taller no filtra; marcado con un plazo anterior, sí."""
    from publicacion import sustitucion
    from publicacion.generar import filtraciones_en_el_calendario

    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "99-solucionario.md").write_text(CAPITULO_CON_SOLUCIONARIO, encoding="utf-8")
    informe = sustitucion.filtraciones(tmp_path, calificadas=["feedForward"])
    grupos = [g for p in informe["programas"] for alternativas in p["componentes"] for a in alternativas
              for g in a["grupos"]]
    assert grupos and all(g == [["book/99-solucionario.md", "xor-propagacion"]] for g in grupos), informe
    cal = calendario.leer(RAIZ / "calendario.yml")
    assert filtraciones_en_el_calendario(informe, cal)[0] == []  # sale cuando termina el plazo del taller 3
    for programa in informe["programas"]:  # marcado con el taller de descenso de gradiente, que acaba antes
        for alternativas in programa["componentes"]:
            for alternativa in alternativas:
                alternativa["grupos"] = [[["book/99-solucionario.md", "descenso-gradiente"]]]
    filtradas, _ = filtraciones_en_el_calendario(informe, cal)
    assert [f["desde"] for f in filtradas] == [_instante("2027-03-01 00:00")]


def test_un_solucionario_del_que_depende_el_capitulo_se_rechaza(clon, tmp_path):
    texto = CAPITULO_CON_SOLUCIONARIO.replace("Texto que sigue igual.\n", "Texto.\n\n```{code-cell} ipython3\n"
                                              "print(propagacion_resuelta)\n```\n")
    _con_solucionario(clon, texto)
    resultado = _publicar_clon(clon, tmp_path / "_publico")
    assert resultado.returncode == 1
    assert ("la celda usa propagacion_resuelta, que solo define el solucionario de «xor-propagacion»"
            in resultado.stderr)


@pytest.mark.parametrize("nombre, contenido, problema", [
    ("nota.txt", "Copia de solutions/xor.py".encode("utf-16"), "«solutions»"),              # UTF-16 con BOM
    ("nota2.txt", "verificar(\"feedForward\")".encode("utf-16-le"), "«verificar(»"),        # UTF-16 sin BOM
    ("nota3.txt", "gradebook del año".encode("latin-1"), "«gradebook»"),                     # Latin-1
    ("datos.bin", bytes(range(256)) * 4, "no se puede leer para revisarlo"),                 # ¿qué es?: fuera
])
def test_la_revision_lee_cualquier_codificacion_y_rechaza_lo_ilegible(tmp_path, nombre, contenido, problema):
    (tmp_path / "book" / "_static").mkdir(parents=True)
    (tmp_path / "book" / "_static" / nombre).write_bytes(contenido)
    (tmp_path / "book" / "_static" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))  # una imagen
    hallazgos = material_del_profesor(tmp_path)
    assert [(ruta, texto) for ruta, texto in hallazgos if problema in texto] == [(f"book/_static/{nombre}",
                                                                                  hallazgos[0][1])]
    assert all("logo.png" not in ruta for ruta, _ in hallazgos)


def test_en_el_libro_del_profesor_las_marcas_de_solucionario_se_ven():
    """Los comentarios % solucionario de MyST se convierten en avisos (y en la edición pública, en nada)."""
    from types import SimpleNamespace

    from docutils import nodes
    from docutils.core import publish_doctree
    from myst_parser.parsers.docutils_ import Parser

    from _ext.talleres_sphinx import marcar_solucionarios
    texto = "# T\n\n% solucionario: xor-propagacion\n\n## Resuelto\n\nAlgo.\n\n% fin del solucionario\n"
    for edicion, esperado in (("profesor", 1), ("publica", 0)):
        arbol = publish_doctree(texto, parser=Parser())
        marcar_solucionarios(SimpleNamespace(config=SimpleNamespace(curso_edicion=edicion)), arbol)
        avisos = [n for n in arbol.findall(nodes.admonition) if "curso-solucionario" in n["classes"]]
        assert len(avisos) == esperado
        if esperado:
            assert "«xor-propagacion»" in avisos[0].astext() and "Fin del solucionario." in arbol.astext()
