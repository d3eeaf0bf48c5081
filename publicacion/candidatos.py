"""Todo lo que la edición pública deja usar a un estudiante: funciones, clases, métodos, parciales.

Ejecuta el código de cada fichero de la edición (celdas de los capítulos, bloques ```python que
no se ejecutan, cuadernos de los talleres, módulos) y recoge cada objeto que se puede llamar y
está escrito en la edición, con cualquier nombre (también los que empiezan por guion bajo, las
``lambda`` guardadas en un diccionario, los ``functools.partial`` y los métodos). Cada uno lleva
su origen: el fichero y, si está dentro de un solucionario (``secciones``), el taller de cuyo
plazo depende. Solo lo ejecuta el proceso aparte de la comprobación (``sustitucion``).
"""
import contextlib
import functools
import importlib
import inspect
import io
import linecache
import os
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

from . import secciones, textos

#: Carpetas que no forman parte de lo que lee un estudiante.
IGNORADAS = {"_build", "__pycache__", ".ipynb_checkpoints"}
_UN_BLOQUE = "bloque ```python"


class CodigoInvalido(Exception):
    """Un capítulo que no se ejecuta o un bloque de Python que no es Python."""


@dataclass
class Candidato:
    nombre: str
    objeto: object
    origenes: list = field(default_factory=list)  # [(fichero, taller del solucionario o None)]
    clave: str = ""  # para reunir copias idénticas de una misma función en varios ficheros


def _ficheros(carpeta):
    for ruta in sorted(Path(carpeta).rglob("*")):
        relativa = ruta.relative_to(carpeta)
        if ruta.is_file() and not any(p.startswith(".") or p in IGNORADAS for p in relativa.parts):
            yield ruta, relativa.as_posix()


def _shell():
    from IPython.core.interactiveshell import InteractiveShell
    InteractiveShell.clear_instance()
    return InteractiveShell.instance(colors="NoColor")


def _transformar(fuente):
    from IPython.core.inputtransformer2 import TransformerManager
    return TransformerManager().transform_cell(fuente)


def es_python(fuente):
    """¿Compila como Python (con la sintaxis de IPython: %magias, !órdenes)?"""
    try:
        compile(_transformar(fuente), "<bloque>", "exec")
        return True
    except (SyntaxError, ValueError):
        return False


def _ejecutar(shell, fuente, carpeta):
    anterior = os.getcwd()
    os.chdir(carpeta)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            resultado = shell.run_cell(fuente, store_history=True)
    finally:
        os.chdir(anterior)
        import matplotlib.pyplot as plt
        plt.close("all")
    return resultado


def _llamables(espacio, publicos):
    """(nombre, objeto) de lo que se puede llamar en un espacio de nombres y está escrito en la edición."""
    for nombre, valor in list(espacio.items()):
        if nombre.startswith("__") or isinstance(valor, types.ModuleType):
            continue
        yield from _dentro(nombre, valor, publicos, profundidad=0)


def _dentro(nombre, valor, publicos, profundidad):
    if es_publico(valor, publicos):
        yield nombre, valor
        if inspect.isclass(valor):
            try:  # los métodos, ligados a un objeto nuevo si la clase se construye sin argumentos
                with contextlib.redirect_stdout(io.StringIO()):
                    objeto = valor()
            except Exception:  # noqa: BLE001
                objeto = None
            for metodo, funcion in vars(valor).items():
                if isinstance(funcion, (staticmethod, classmethod)):
                    funcion = funcion.__func__
                if inspect.isfunction(funcion) and not metodo.startswith("__"):
                    ligado = getattr(objeto, metodo, None) if objeto is not None else None
                    yield (f"{nombre}().{metodo}", ligado) if inspect.ismethod(ligado) else (
                        f"{nombre}.{metodo}", funcion)
    elif profundidad < 2 and isinstance(valor, dict):
        for clave, dentro in list(valor.items())[:50]:
            yield from _dentro(f"{nombre}[{clave!r}]", dentro, publicos, profundidad + 1)
    elif profundidad < 2 and isinstance(valor, (list, tuple)):
        for i, dentro in enumerate(list(valor)[:50]):
            yield from _dentro(f"{nombre}[{i}]", dentro, publicos, profundidad + 1)
    elif profundidad == 0 and es_publico(type(valor), publicos):  # un objeto: sus métodos, ya ligados
        for metodo in dir(valor):
            if not metodo.startswith("__"):
                ligado = getattr(valor, metodo, None)
                if inspect.ismethod(ligado) and es_publico(ligado.__func__, publicos):
                    yield f"{nombre}.{metodo}", ligado


def es_publico(valor, publicos):
    """¿Es una función, clase, parcial o método escrito en la edición (y no en numpy…)?"""
    if isinstance(valor, functools.partial):
        return es_publico(valor.func, publicos)
    if inspect.ismethod(valor):
        return es_publico(valor.__func__, publicos)
    if inspect.isfunction(valor):
        return valor.__code__.co_filename in publicos["ficheros"] or valor.__module__ in publicos["modulos"]
    if inspect.isclass(valor):
        return valor.__module__ in publicos["modulos"] or valor.__module__ == "__main__"
    return False


def _clave(nombre, objeto):
    base = objeto.func if isinstance(objeto, functools.partial) else getattr(objeto, "__func__", objeto)
    try:
        fuente = inspect.getsource(base)
    except (OSError, TypeError):
        fuente = repr(getattr(base, "__code__", base))
    extra = repr((objeto.args, sorted(objeto.keywords))) if isinstance(objeto, functools.partial) else ""
    return f"{nombre.rsplit('.', 1)[-1]}|{fuente}|{extra}"


class Recolector:
    """Ejecuta la edición y reúne sus candidatos (``candidatos``) y los problemas que impiden revisarla."""

    def __init__(self, carpeta):
        self.carpeta = Path(carpeta).resolve()
        self.publicos = {"ficheros": set(), "modulos": {"__main__"}}
        self.candidatos = {}  # clave -> Candidato
        self.problemas = []

    # --- ficheros ------------------------------------------------------------------------------

    def recoger(self):
        sys.path.insert(0, str(self.carpeta))  # como en la edición pública: `herramientas` importable
        ficheros = list(_ficheros(self.carpeta))
        for ruta, relativa in ficheros:  # primero los módulos: los capítulos los importan
            if ruta.suffix == ".py":
                self._modulo(ruta, relativa)
        for ruta, relativa in ficheros:
            if ruta.suffix == ".py":
                continue
            try:
                texto, binario = textos.leer(ruta)
            except textos.NoSePuedeLeer as error:
                self.problemas.append(f"{relativa}: no se puede leer ({error}).")
                continue
            if binario:
                continue
            if ruta.suffix == ".ipynb":
                self._cuaderno(ruta, relativa, texto)
            elif ruta.suffix in (".md", ".markdown", ".txt"):
                if ruta.suffix == ".md" and relativa.startswith("book/") and "kernelspec" in texto[:2000]:
                    self._capitulo(ruta, relativa, texto)
                else:
                    self._bloques(ruta, relativa, texto, _shell())
        return list(self.candidatos.values())

    def _modulo(self, ruta, relativa):
        try:
            texto, _ = textos.leer(ruta)
        except textos.NoSePuedeLeer as error:
            self.problemas.append(f"{relativa}: no se puede leer ({error}).")
            return
        partes = Path(relativa).with_suffix("").parts
        nombre = ".".join(partes[:-1] if partes[-1] == "__init__" else partes)
        modulo = None
        if all(p.isidentifier() for p in partes):
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    modulo = importlib.import_module(nombre)
            except SyntaxError:
                modulo = None  # p. ej. un módulo que no está en UTF-8: se ejecuta a mano
            except Exception as error:  # noqa: BLE001 - un módulo que falla al importarse no se puede revisar
                self.problemas.append(f"{relativa}: no se puede importar ({type(error).__name__}: {error}).")
                return
        if modulo is None or Path(getattr(modulo, "__file__", "") or "").resolve() != ruta.resolve():
            nombre = "edicion_publica_" + "_".join(partes)
            modulo = types.ModuleType(nombre)
            modulo.__file__ = str(ruta)
            linecache.cache[str(ruta)] = (len(texto), None, texto.splitlines(True), str(ruta))
            sys.modules[nombre] = modulo
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile(texto, str(ruta), "exec"), modulo.__dict__)
            except Exception as error:  # noqa: BLE001
                self.problemas.append(f"{relativa}: no se puede ejecutar ({type(error).__name__}: {error}).")
                return
        self.publicos["modulos"].add(modulo.__name__)
        self.publicos["ficheros"].add(str(ruta))
        for nombre_objeto, objeto in _llamables(vars(modulo), self.publicos):
            if getattr(objeto, "__module__", modulo.__name__) in (modulo.__name__, None) or "." in nombre_objeto:
                self._anotar(nombre_objeto, objeto, (relativa, None))

    def _capitulo(self, ruta, relativa, texto):
        try:
            partes = secciones.regiones(texto, relativa)
        except secciones.ErrorDeSecciones as error:
            self.problemas.append(str(error))
            partes = []
        shell = _shell()
        etiqueta = {}  # nombre -> región del solucionario de la celda que lo definió por última vez
        for inicio, fuente in secciones._celdas(texto):
            antes = {n: id(v) for n, v in shell.user_ns.items()}
            resultado = _ejecutar(shell, fuente, ruta.parent)
            self._registrar_ficheros(shell)
            if not resultado.success:
                error = resultado.error_in_exec or resultado.error_before_exec
                raise CodigoInvalido(f"{relativa}, celda de la línea {inicio + 1}: {type(error).__name__}: {error}")
            region = next((r.taller for r in partes if r.contiene(inicio)), None)
            for nombre, valor in shell.user_ns.items():
                if antes.get(nombre) != id(valor):
                    etiqueta[nombre] = region
        for linea, fuente in self._fuera_de_celdas(texto, relativa):
            region = next((r.taller for r in partes if r.contiene(linea)), None)
            antes = {n: id(v) for n, v in shell.user_ns.items()}
            _ejecutar(shell, fuente, ruta.parent)
            self._registrar_ficheros(shell)
            for nombre, valor in shell.user_ns.items():
                if antes.get(nombre) != id(valor):
                    etiqueta[nombre] = region
        for nombre, objeto in _llamables(shell.user_ns, self.publicos):
            self._anotar(nombre, objeto, (relativa, etiqueta.get(nombre.split(".")[0].split("[")[0])))

    def _fuera_de_celdas(self, texto, relativa):
        """Bloques de Python que no son celdas: ```python, ```{code-block} python…"""
        for linea, lenguaje, codigo in textos.bloques(texto):
            if lenguaje in textos.PYTHON and not texto.splitlines()[linea - 1].lstrip().startswith("```{code-cell}"):
                if not es_python(codigo):
                    self.problemas.append(
                        f"{relativa}, línea {linea}: el {_UN_BLOQUE} no es Python válido y no se puede "
                        "revisar. Corrígelo, o márcalo como ```text si es pseudocódigo.")
                    continue
                yield linea, codigo
            elif lenguaje == "" and es_python(codigo) and any(p in codigo for p in ("def ", "class ", "lambda")):
                yield linea, codigo

    def _bloques(self, ruta, relativa, texto, shell):
        for linea, codigo in self._fuera_de_celdas(texto, relativa):
            _ejecutar(shell, codigo, ruta.parent)
            self._registrar_ficheros(shell)
        for nombre, objeto in _llamables(shell.user_ns, self.publicos):
            self._anotar(nombre, objeto, (relativa, None))

    def _cuaderno(self, ruta, relativa, texto):
        import json
        try:
            celdas = json.loads(texto)["cells"]
        except (ValueError, KeyError, TypeError):
            self.problemas.append(f"{relativa}: no es un cuaderno de Jupyter válido.")
            return
        shell = _shell()
        for celda in celdas:
            fuente = celda.get("source", "")
            fuente = "".join(fuente) if isinstance(fuente, list) else fuente
            if celda.get("cell_type") == "code":
                _ejecutar(shell, fuente, ruta.parent)  # las celdas de pruebas fallan con los esbozos: se sigue
                self._registrar_ficheros(shell)
            elif celda.get("cell_type") == "markdown":
                for _, codigo in self._fuera_de_celdas(fuente, relativa):
                    _ejecutar(shell, codigo, ruta.parent)
                    self._registrar_ficheros(shell)
        for nombre, objeto in _llamables(shell.user_ns, self.publicos):
            self._anotar(nombre, objeto, (relativa, None))

    # --- candidatos ----------------------------------------------------------------------------

    def _registrar_ficheros(self, shell):
        """Los ficheros con que IPython compila las celdas: su código es de la edición."""
        self.publicos["ficheros"].update(getattr(shell.compile, "_filename_map", {}).keys())
        for nombre in list(linecache.cache):
            if nombre.startswith("<ipython-input-") or "/ipykernel_" in nombre or nombre.startswith("/tmp/ipykernel"):
                self.publicos["ficheros"].add(nombre)

    def _anotar(self, nombre, objeto, origen):
        clave = _clave(nombre, objeto)
        if clave not in self.candidatos:
            self.candidatos[clave] = Candidato(nombre, objeto, [], clave)
        if origen not in self.candidatos[clave].origenes:
            self.candidatos[clave].origenes.append(origen)


def codigos_publicos(candidatos):
    """Todos los objetos de código de los candidatos y de las funciones que definen dentro."""
    codigos, pendientes = set(), []
    for candidato in candidatos:
        objeto = candidato.objeto
        base = objeto.func if isinstance(objeto, functools.partial) else getattr(objeto, "__func__", objeto)
        if inspect.isclass(base):
            pendientes += [f.__code__ for f in vars(base).values() if inspect.isfunction(f)]
        elif hasattr(base, "__code__"):
            pendientes.append(base.__code__)
    while pendientes:
        codigo = pendientes.pop()
        if codigo in codigos:
            continue
        codigos.add(codigo)
        pendientes += [c for c in codigo.co_consts if isinstance(c, types.CodeType)]
    return codigos
