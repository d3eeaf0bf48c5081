"""Directiva ``{taller}`` de la página de talleres (book/08-talleres.md).

Escribe, para un taller, su enlace de descarga y sus enlaces para abrirlo en Binder, en el
JupyterHub de la universidad (con nbgitpuller) y en Colab, todos hacia el repositorio público
que fija ``repository.url`` en ``_config.yml``. Así la página nunca se edita a mano:

- en la **edición del profesor** (este repositorio) muestra todos los talleres, con el
  cuaderno del estudiante de ``exercises/``;
- en la **edición pública** (``make publicar``) muestra solo los talleres publicados, cuyo
  cuaderno está en ``talleres/``, con su plazo de entrega (``curso_plazos``); para los demás,
  el aviso de cuándo llegan (``curso_avisos``). Los dos los escribe ``make publicar`` según el
  calendario (``calendario.yml``).

Además, en la edición del profesor, las marcas ``% solucionario: <taller>`` y ``% fin del
solucionario`` de un capítulo (``publicacion/secciones.py``) se ven como avisos: esa parte del
capítulo solo llega a la edición pública cuando termina el plazo de entrega del taller.
"""
from pathlib import Path
from urllib.parse import quote, urlencode

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective


def carpeta_de_talleres(edicion):
    """Carpeta de los cuadernos del estudiante en cada edición."""
    return "talleres" if edicion == "publica" else "exercises"


def org_repo(url):
    """«organización/repositorio» de una URL de GitHub, o "" si no es de GitHub."""
    url = url.rstrip("/")
    return url.split("github.com/", 1)[1] if "github.com/" in url else ""


def enlaces_de_lanzamiento(opciones, ruta):
    """(nombre, URL) para abrir ``ruta`` (relativa a la raíz del repositorio público)."""
    repositorio = (opciones.get("repository_url") or "").rstrip("/")
    rama = opciones.get("repository_branch") or "main"
    lanzar = opciones.get("launch_buttons") or {}
    if not repositorio:
        return []
    enlaces, github = [], org_repo(repositorio)
    binder = (lanzar.get("binderhub_url") or "").rstrip("/")
    if binder and github:
        enlaces.append(("Binder", f"{binder}/v2/gh/{github}/{rama}?labpath={quote(ruta)}"))
    hub = (lanzar.get("jupyterhub_url") or "").rstrip("/")
    if hub:
        nombre = repositorio.rsplit("/", 1)[-1]
        consulta = urlencode({"repo": repositorio, "urlpath": f"lab/tree/{nombre}/{ruta}", "branch": rama})
        enlaces.append(("JupyterHub", f"{hub}/hub/user-redirect/git-pull?{consulta}"))
    colab = (lanzar.get("colab_url") or "https://colab.research.google.com").rstrip("/")
    if github and ruta.endswith(".ipynb"):
        enlaces.append(("Colab", f"{colab}/github/{github}/blob/{rama}/{ruta}"))
    return enlaces


class DirectivaTaller(SphinxDirective):
    """``:::{taller} <id>``: descarga y enlaces de lanzamiento del taller, o su aviso."""

    required_arguments = 1

    def run(self):
        taller = self.arguments[0]
        config = self.env.config
        carpeta = carpeta_de_talleres(config.curso_edicion)
        ruta = f"{carpeta}/{taller}/{taller}.ipynb"
        raiz = Path(self.env.srcdir)
        if not (raiz / ruta).is_file():
            if config.curso_edicion != "publica":
                raise self.error(f"No existe el cuaderno del taller «{taller}» ({ruta}): "
                                 "ejecuta «make exercises».")
            aviso = config.curso_avisos.get(taller, "Este taller se publicará más adelante.")
            lineas = [":::{admonition} Aún no publicado", ":class: note", aviso, ":::"]
        else:
            relativa = Path("../" * (self.env.docname.count("/"))) / ruta
            lineas = [f"**Descarga:** {{download}}`{taller}.ipynb <{relativa.as_posix()}>`."]
            plazo = config.curso_plazos.get(taller) if config.curso_edicion == "publica" else None
            if plazo:
                lineas.append("")
                lineas.append(f"**{plazo}**")
        contenedor = nodes.container(classes=["curso-taller"])
        self.state.nested_parse(StringList(lineas, source=self.env.docname), self.content_offset, contenedor)
        # Los enlaces se abren siempre en el repositorio público, donde el cuaderno está en talleres/.
        enlaces = enlaces_de_lanzamiento(config.html_theme_options, f"talleres/{taller}/{taller}.ipynb")
        if enlaces and (raiz / ruta).is_file():
            parrafo = nodes.paragraph()
            parrafo += nodes.strong(text="Ábrelo en línea:")
            for i, (nombre, url) in enumerate(enlaces):
                parrafo += nodes.Text(" " if i == 0 else " · ")
                parrafo += nodes.reference(text=nombre, refuri=url)
            parrafo += nodes.Text(".")
            contenedor += parrafo
        return [contenedor]


def marcar_solucionarios(app, doctree):
    """En el libro del profesor, las marcas de solucionario (comentarios de MyST) se ven como avisos."""
    if app.config.curso_edicion == "publica":
        return
    for comentario in list(doctree.findall(nodes.comment)):
        texto = comentario.astext().strip()
        if texto.startswith("solucionario:"):
            taller = texto.split(":", 1)[1].strip()
            aviso = nodes.admonition(classes=["note", "curso-solucionario"])
            aviso += nodes.title(text="Solucionario (solo en la edición del profesor hasta el plazo)")
            aviso += nodes.paragraph(text=f"Desde aquí hasta «Fin del solucionario», esta parte resuelve parte "
                                          f"del taller «{taller}»: la edición pública la muestra cuando termina "
                                          "su plazo de entrega (calendario.yml) y, hasta entonces, un aviso.")
            comentario.replace_self(aviso)
        elif texto == "fin del solucionario":
            comentario.replace_self(nodes.paragraph(text="Fin del solucionario.", classes=["curso-solucionario"]))


def setup(app):
    # «profesor» en este repositorio; `make publicar` escribe «publica» en la edición pública.
    app.add_config_value("curso_edicion", "profesor", "env", types=[str])
    # Taller -> aviso de cuándo se publica (solo en la edición pública; lo escribe `make publicar`).
    app.add_config_value("curso_avisos", {}, "env", types=[dict])
    # Taller publicado -> su plazo de entrega (solo en la edición pública; lo escribe `make publicar`).
    app.add_config_value("curso_plazos", {}, "env", types=[dict])
    app.connect("doctree-read", marcar_solucionarios)
    app.add_directive("taller", DirectivaTaller)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
