"""Escribe la edición pública del curso (``make publicar``).

La edición pública es un árbol completo y autónomo que el profesor sube como repositorio
público y desde el que se construye el libro publicado: capítulos, cuadernos del estudiante
de los talleres publicados, el paquete ``herramientas`` y lo necesario para construir y
lanzar el libro. No lleva ``solutions/``, ``autograder/``, pruebas ocultas, cuadernos del
profesor, la guía del profesor ni gradebook.

Solo se publica lo commiteado: todo sale del último commit (``git archive HEAD``), y la orden
se niega si hay cambios o ficheros sin seguimiento en lo que se publica. Lo que toca en cada
fecha lo dice el calendario (``calendario``): los cuadernos de los talleres ya publicados y, en
los capítulos, los solucionarios de los talleres cuyo plazo terminó (``secciones``). Antes de
escribir nada se comprueba, sobre la **edición completa** (todos los talleres y solucionarios),
que ninguna fecha del calendario haría público código que resuelva un taller antes de su plazo
(``sustitucion``). Se escribe primero en una carpeta temporal y solo sustituye a la anterior si
todo pasa (la carpeta ``.git`` de destino se conserva).
"""
import datetime as dt
import io
import json
import re
import shutil
import string
import subprocess
import tarfile
import tempfile
from pathlib import Path

import yaml

from _ext.talleres_sphinx import org_repo
from solutions.talleres import TALLERES

from . import calendario, secciones, sustitucion, textos

RAIZ = Path(__file__).resolve().parents[1]
PLANTILLAS = Path(__file__).parent / "plantillas"

#: Lo que se copia tal cual del repositorio del profesor.
COPIAS = ("book", "_ext", "_templates", "herramientas", "_toc.yml", "constraints.txt")
#: Rutas del repositorio de las que sale la edición pública: deben estar commiteadas.
RUTAS_PUBLICADAS = COPIAS + ("_config.yml", "requirements.txt", "exercises", "publicacion/plantillas",
                             "calendario.yml")
#: La guía del profesor: rúbricas y respuestas modelo. Nunca va a la edición pública.
GUIA = "book/guia-profesor"
#: Paquetes que necesitan los capítulos y los talleres (requirements.txt público).
PAQUETES_DE_EJECUCION = ("numpy", "matplotlib", "scikit-learn", "jupytext")
#: Herramientas solo del profesor: no van a requirements-libro.txt.
PAQUETES_DEL_PROFESOR = ("nbgrader", "nbval", "pytest", "playwright", "openpyxl", "dask", "distributed", "pypdf")
#: Textos que delatan material del profesor; ninguno puede aparecer en la edición pública.
PROHIBIDO = ("solutions", "autograder", "verificacion", "gradebook", "BEGIN SOLUTION", "END SOLUTION",
             "BEGIN HIDDEN TESTS", "verificar(", "guia-profesor")
IGNORAR = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.pyc", "_build")
#: Direcciones de ejemplo de _config.yml que hay que cambiar antes de publicar.
MARCADORES = re.compile(r"TU-ORGANIZACION|tu-universidad", re.IGNORECASE)
AVISO_DE_MARCADORES = ("Aviso: la edición pública aún enlaza a direcciones de ejemplo (TU-ORGANIZACION, "
                       "tu-universidad) en los botones, Binder, JupyterHub, Colab o el README: cámbialas en "
                       "_config.yml antes de subirla (README, «Publicar el curso»).")
SIEMPRE = dt.datetime.min.replace(tzinfo=dt.timezone.utc)  # lo que no depende del calendario
NUNCA = None  # lo que el calendario no publica nunca (sin fecha)


class ErrorDePublicacion(Exception):
    """La edición pública no se puede escribir (o contendría material del profesor)."""


# --- Solo lo commiteado ----------------------------------------------------------------------------

def _git(repositorio, *argumentos, binario=False):
    resultado = subprocess.run(["git", *argumentos], cwd=repositorio, capture_output=True, text=not binario)
    if resultado.returncode != 0:
        raise ErrorDePublicacion(
            f"{repositorio} no es un repositorio git con commits (git {' '.join(argumentos[:2])}: "
            f"{(resultado.stderr if not binario else resultado.stderr.decode(errors='replace')).strip()}). "
            "make publicar publica el último commit del repositorio del profesor: clónalo con git.")
    return resultado.stdout


_ESTADOS = {"?": "sin seguimiento", "M": "modificado", "A": "añadido sin commitear", "D": "borrado",
            "R": "renombrado", "C": "copiado", "T": "cambió de tipo", "U": "con un conflicto"}


def cambios_sin_commitear(repositorio, rutas=RUTAS_PUBLICADAS):
    """[(ruta, qué le pasa)] de lo que no coincide con el último commit en ``rutas``."""
    salida = _git(repositorio, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *rutas)
    cambios, partes = [], salida.split("\0")
    i = 0
    while i < len(partes):
        entrada = partes[i]
        i += 1
        if len(entrada) < 4:
            continue
        codigo, ruta = entrada[:2], entrada[3:]
        if codigo[0] in "RC":
            i += 1  # el nombre de origen va en la entrada siguiente
        letra = next((c for c in codigo if c != " "), "?")
        cambios.append((ruta, _ESTADOS.get(letra, "con cambios")))
    return cambios


def instantanea(repositorio, carpeta):
    """Extrae en ``carpeta`` las rutas publicadas del último commit; devuelve su hash abreviado.

    Lanza ErrorDePublicacion si en esas rutas hay cambios sin commitear o ficheros sin seguimiento.
    """
    cambios = cambios_sin_commitear(repositorio)
    if cambios:
        lista = "\n".join(f"  {ruta} ({estado})" for ruta, estado in cambios[:15])
        mas = f"\n  … y {len(cambios) - 15} más" if len(cambios) > 15 else ""
        raise ErrorDePublicacion(
            "solo se publica lo commiteado, y en lo que se publica hay cambios sin commitear:\n"
            f"{lista}{mas}\nHaz commit de lo que quieras publicar (o quítalo) y vuelve a ejecutar "
            "make publicar.")
    en_head = set(_git(repositorio, "ls-tree", "--name-only", "HEAD").split())
    rutas = [r for r in RUTAS_PUBLICADAS if r.split("/")[0] in en_head]
    archivo = _git(repositorio, "archive", "--format=tar", "HEAD", "--", *rutas, binario=True)
    with tarfile.open(fileobj=io.BytesIO(archivo)) as tar:
        tar.extractall(carpeta, filter="data")
    return _git(repositorio, "rev-parse", "--short", "HEAD").strip()


# --- El árbol de la edición ----------------------------------------------------------------------

def _nombre_paquete(linea):
    return re.split(r"[=<>!~\[ ;]", linea.strip(), maxsplit=1)[0].lower()


def _requisitos(fuente):
    """(requirements.txt, requirements-libro.txt) públicos, con las versiones fijadas del profesor."""
    lineas = [l.strip() for l in (fuente / "requirements.txt").read_text(encoding="utf-8").splitlines()
              if l.strip() and not l.lstrip().startswith("#")]
    ejecucion = [l for l in lineas if _nombre_paquete(l) in PAQUETES_DE_EJECUCION]
    libro = [l for l in lineas if _nombre_paquete(l) not in PAQUETES_DE_EJECUCION
             and not _nombre_paquete(l).startswith(PAQUETES_DEL_PROFESOR)]
    requisitos = ("# Lo que necesitan los capítulos y los talleres (Binder lo instala al abrirlos).\n"
                  + "\n".join(ejecucion)
                  + "\n# Paquete de ayuda de los capítulos (carpeta herramientas/).\n-e .\n")
    requisitos_libro = ("# Lo que necesita además la construcción del libro (`make book`).\n"
                        "-r requirements.txt\n" + "\n".join(libro) + "\n")
    return requisitos, requisitos_libro


def _config_publica(fuente, avisos, plazos):
    """_config.yml del profesor adaptado a la edición pública (conserva los comentarios)."""
    texto = (fuente / "_config.yml").read_text(encoding="utf-8")
    # Fuera de exclude_patterns las carpetas que la edición pública no tiene.
    texto = "".join(l for l in texto.splitlines(keepends=True)
                    if not re.match(r"\s+- (exercises|solutions|autograder|tests|_publico|\.pytest_cache)/", l)
                    and "guia-profesor" not in l)
    texto = texto.replace("# Carpetas que Sphinx no debe leer: los cuadernos de los talleres y las soluciones\n"
                          "# no forman parte del libro (y el libro nunca debe mostrar las soluciones).",
                          "# Carpetas que Sphinx no debe leer: los cuadernos de los talleres y las herramientas\n"
                          "# no son páginas del libro.")
    linea = re.search(r"^(\s+)curso_edicion: profesor.*$", texto, flags=re.M)
    if not linea:
        raise ErrorDePublicacion("_config.yml no tiene la clave sphinx.config.curso_edicion.")
    sangria = linea.group(1)
    texto = texto.replace(
        linea.group(0),
        f"{sangria}curso_edicion: publica  # edición pública: solo los talleres publicados, en talleres/\n"
        f"{sangria}curso_avisos: {json.dumps(avisos, ensure_ascii=False)}  "
        "# cuándo llegan los talleres aún no publicados (lo escribe `make publicar` desde el calendario)\n"
        f"{sangria}curso_plazos: {json.dumps(plazos, ensure_ascii=False)}  "
        "# plazo de entrega de los talleres publicados (ídem)")
    yaml.safe_load(texto)  # que siga siendo YAML válido
    return texto


def _sin_la_guia(entradas):
    """Entradas de un índice (_toc.yml) sin las páginas de la guía del profesor, a cualquier nivel."""
    limpias = []
    for entrada in entradas:
        if isinstance(entrada, dict):
            if str(entrada.get("file", "")).startswith(GUIA) or str(entrada.get("glob", "")).startswith(GUIA):
                continue
            entrada = dict(entrada)
            for clave in ("chapters", "sections", "parts"):
                if clave in entrada:
                    entrada[clave] = _sin_la_guia(entrada[clave])
                    if not entrada[clave]:
                        del entrada[clave]
                        if clave in ("chapters", "parts") and "file" not in entrada:
                            entrada = None
                            break
            if entrada is None:
                continue
        limpias.append(entrada)
    return limpias


def toc_publico(texto):
    """_toc.yml sin la guía del profesor (si no la nombra, igual, con sus comentarios)."""
    if GUIA not in texto:
        return texto
    indice = yaml.safe_load(texto)
    if str(indice.get("root", "")).startswith(GUIA):
        raise ErrorDePublicacion("la portada del libro (root en _toc.yml) es una página de la guía del profesor.")
    for clave in ("parts", "chapters"):
        if clave in indice:
            indice[clave] = _sin_la_guia(indice[clave])
    return ("# Índice del libro (edición pública: sin la guía del profesor, que solo está en la del profesor).\n"
            + yaml.safe_dump(indice, allow_unicode=True, sort_keys=False))


def _variables(fuente):
    config = yaml.safe_load((fuente / "_config.yml").read_text(encoding="utf-8"))
    url = config["repository"]["url"].rstrip("/")
    org, _, repo = org_repo(url).partition("/")
    paginas = f"https://{org.lower()}.github.io/{repo}/" if org else "(la dirección de tu sitio web)"
    return {"titulo": config["title"], "repositorio": url, "paginas": paginas,
            "nombre_repositorio": url.rsplit("/", 1)[-1]}


def _plantilla(nombre, variables):
    return string.Template((PLANTILLAS / nombre).read_text(encoding="utf-8")).substitute(variables)


def _copiar_libro(origen, destino, version_de):
    """Copia ``book/`` sin la guía del profesor; cada capítulo .md, en la versión que toca."""
    def ignorar(carpeta, nombres):
        fuera = set(IGNORAR(carpeta, nombres))
        if Path(carpeta).resolve() == (origen / "book").resolve():
            fuera.add(Path(GUIA).name)
        return fuera
    shutil.copytree(origen / "book", destino / "book", ignore=ignorar)
    for capitulo in sorted((destino / "book").rglob("*.md")):
        texto = capitulo.read_text(encoding="utf-8", errors="replace")
        if "% solucionario" in texto or "% fin del solucionario" in texto:  # los demás, tal cual
            capitulo.write_text(version_de(texto, capitulo.relative_to(destino).as_posix()), encoding="utf-8")


def escribir_arbol(fuente, destino, estados, version_de, plazos):
    """Escribe en ``destino`` la edición a partir de la instantánea ``fuente``.

    ``estados``: taller -> calendario.Estado; ``version_de(texto, ruta)``: el capítulo como se publica.
    """
    for nombre in COPIAS:
        origen = fuente / nombre
        if nombre == "book":
            _copiar_libro(fuente, destino, version_de)
        elif nombre == "_toc.yml":
            (destino / nombre).write_text(toc_publico(origen.read_text(encoding="utf-8")), encoding="utf-8")
        elif origen.is_dir():
            shutil.copytree(origen, destino / nombre, ignore=IGNORAR)
        elif origen.is_file():
            shutil.copy2(origen, destino / nombre)
        else:
            raise ErrorDePublicacion(f"Falta {nombre} en el último commit del repositorio del profesor.")
    for taller, estado in estados.items():
        if estado.publicado:
            cuaderno = TALLERES[taller].cuaderno
            if not (fuente / "exercises" / taller / cuaderno).is_file():
                raise ErrorDePublicacion(f"Falta exercises/{taller}/{cuaderno} en el último commit: "
                                         "ejecuta make exercises y haz commit.")
            (destino / "talleres" / taller).mkdir(parents=True)
            shutil.copy2(fuente / "exercises" / taller / cuaderno, destino / "talleres" / taller / cuaderno)
    avisos = {t: e.aviso for t, e in estados.items() if not e.publicado}
    (destino / "_config.yml").write_text(_config_publica(fuente, avisos, plazos), encoding="utf-8")
    requisitos, requisitos_libro = _requisitos(fuente)
    (destino / "requirements.txt").write_text(requisitos, encoding="utf-8")
    (destino / "requirements-libro.txt").write_text(requisitos_libro, encoding="utf-8")
    variables = _variables(fuente)
    variables["talleres"] = "\n".join(
        f"- [{TALLERES[t].titulo}](talleres/{t}/{TALLERES[t].cuaderno})" if estados[t].publicado
        else f"- {TALLERES[t].titulo}: aún no publicado. {estados[t].aviso}" for t in TALLERES)
    for plantilla, salida in (("README.md", "README.md"), ("LICENCIA.md", "LICENCIA.md"),
                              ("Makefile", "Makefile"), ("pyproject.toml", "pyproject.toml"),
                              ("gitignore", ".gitignore"), ("pages.yml", ".github/workflows/pages.yml")):
        (destino / salida).parent.mkdir(parents=True, exist_ok=True)
        if plantilla.endswith(".md"):  # solo los textos llevan variables ($repositorio, …)
            (destino / salida).write_text(_plantilla(plantilla, variables), encoding="utf-8")
        else:
            shutil.copy2(PLANTILLAS / plantilla, destino / salida)


# --- Comprobaciones ------------------------------------------------------------------------------

def material_del_profesor(carpeta):
    """[(ruta, problema)]: ficheros con algo de PROHIBIDO, en la codificación que tengan, y los ilegibles.

    Un fichero que no es texto en ninguna codificación reconocible, ni una imagen o una fuente, no
    se puede revisar: se rechaza (``textos``).
    """
    hallazgos = []
    for ruta in sorted(Path(carpeta).rglob("*")):
        if not ruta.is_file() or ".git" in ruta.relative_to(carpeta).parts:
            continue
        relativa = str(ruta.relative_to(carpeta))
        try:
            texto, _ = textos.leer(ruta)
        except textos.NoSePuedeLeer as error:
            hallazgos.append((relativa, f"no se puede leer para revisarlo: {error}"))
            continue
        for prohibido in PROHIBIDO:
            if texto is not None and prohibido in texto:
                hallazgos.append((relativa, f"«{prohibido}»"))
    return hallazgos


def marcadores_de_ejemplo(carpeta):
    """¿Quedan direcciones de ejemplo (TU-ORGANIZACION, tu-universidad) en la configuración o el README?"""
    carpeta = Path(carpeta)
    return any(MARCADORES.search((carpeta / nombre).read_text(encoding="utf-8"))
               for nombre in ("_config.yml", "README.md") if (carpeta / nombre).is_file())


def _liberacion(origen, cal):
    """Desde cuándo es público el código de un origen [fichero, taller del solucionario o None]."""
    fichero, solucionario = origen
    partes = fichero.split("/")
    if partes[0] == "talleres" and len(partes) > 1 and partes[1] in TALLERES:
        return cal[partes[1]].publicar or NUNCA
    if solucionario:
        return cal.fin_del_plazo(solucionario) or NUNCA
    return SIEMPRE


def _taller_de(funcion):
    return next((t for t, taller in TALLERES.items() if funcion in taller.funciones), None)


def filtraciones_en_el_calendario(informe, cal):
    """Programas del informe de sustitución que alguna fecha del calendario haría públicos a tiempo.

    Un programa resuelve su función calificada desde que todo el código que usa es público (el
    máximo de las fechas de sus orígenes; de cada función repetida vale su copia más temprana);
    es una filtración si eso ocurre antes de que termine el plazo de entrega de su taller.
    Devuelve (filtraciones, programas que solo funcionan tras el plazo).
    """
    def desde_cuando(grupos):
        fechas = []
        for grupo in grupos:
            posibles = [f for f in (_liberacion(o, cal) for o in grupo) if f is not NUNCA]
            fechas.append(min(posibles) if posibles else NUNCA)
        return NUNCA if NUNCA in fechas else max(fechas, default=SIEMPRE)

    filtraciones, tras_el_plazo = [], []
    for programa in informe.get("programas", []):
        elegidas = []  # de cada valor que devuelve, la manera de obtenerlo que se publica antes
        for alternativas in programa["componentes"]:
            fechadas = [(desde_cuando(a["grupos"]), a) for a in alternativas]
            fechadas = [(f, a) for f, a in fechadas if f is not NUNCA]
            if not fechadas:
                break
            elegidas.append(min(fechadas, key=lambda x: x[0]))
        else:
            desde = max(f for f, _ in elegidas)
            taller = _taller_de(programa["calificada"])
            fin = cal.fin_del_plazo(taller) if taller else None
            descripcion = "; ".join(dict.fromkeys(a["descripcion"] for _, a in elegidas))
            grupos = [g for _, a in elegidas for g in a["grupos"]]
            registro = dict(programa, desde=desde, taller=taller, fin=fin, grupos=grupos, descripcion=descripcion)
            (filtraciones if fin is None or desde < fin else tras_el_plazo).append(registro)
    return filtraciones, tras_el_plazo


def _describir_filtracion(f):
    numero = f"el taller {calendario.numero(f['taller'])}" if f["taller"] else "ningún taller"
    plazo = (f"cuyo plazo termina el {calendario.fecha_en_texto(f['fin'] - calendario.UN_MINUTO)}"
             if f["fin"] else "sin plazo de entrega en calendario.yml")
    desde = "desde ya" if f["desde"] == SIEMPRE else f"desde el {calendario.fecha_en_texto(f['desde'])}"
    origenes = sorted({o[0] + (f" (solucionario de «{o[1]}»)" if o[1] else "") for g in f["grupos"] for o in g})
    return (f"«{f['calificada']}» ({numero}, {plazo}) se resolvería {desde} con código público de "
            f"{', '.join(origenes)}: {f['descripcion']}")


# --- Todo junto ----------------------------------------------------------------------------------

def _version_de(cal, publicada):
    def version(texto, ruta):
        try:
            return secciones.version_publica(
                texto, publicada,
                lambda t: secciones.aviso(t, cal.fin_del_plazo(t), calendario.fecha_en_texto), ruta)
        except secciones.ErrorDeSecciones as error:
            raise ErrorDePublicacion(str(error)) from None
    return version


def _plazos(cal, estados):
    return {t: f"Plazo de entrega: hasta el {calendario.fecha_en_texto(cal[t].entrega)}."
            for t, e in estados.items() if e.publicado and cal[t].entrega}


def _revisar_solucionarios(fuente):
    """Problemas de los solucionarios: mal marcados o con algo que se usa fuera de ellos."""
    capitulos = {r: r.read_text(encoding="utf-8", errors="replace") for r in sorted((fuente / "book").rglob("*.md"))}
    problemas = []
    for ruta, texto in capitulos.items():
        if "% solucionario" not in texto and "% fin del solucionario" not in texto:
            continue
        nombre = ruta.relative_to(fuente).as_posix()
        try:
            problemas += secciones.dependencias_rotas(texto, nombre, [t for r, t in capitulos.items() if r != ruta])
        except secciones.ErrorDeSecciones as error:
            problemas.append(str(error))
    return problemas


def instante(fecha, zona):
    """El instante de ``--fecha`` (AAAA-MM-DD a las 0:00, o AAAA-MM-DD HH:MM) en ``zona``; ahora si es None."""
    if fecha is None:
        return dt.datetime.now(zona).replace(second=0, microsecond=0)
    try:
        return calendario.leer_instante(str(fecha), zona)
    except ValueError:
        raise ErrorDePublicacion(f"FECHA={fecha}: escríbela como AAAA-MM-DD (a las 0:00) o como "
                                 "\"AAAA-MM-DD HH:MM\", en la zona horaria del calendario.") from None


def publicar(destino, fecha=None, comprobar=True, ruta_calendario=None, repositorio=RAIZ):
    """Escribe la edición pública en ``destino`` según el calendario en ``fecha`` (None: ahora).

    Todo sale del último commit de ``repositorio``; el calendario, de ese commit o de
    ``ruta_calendario``. Devuelve el plan en español. Lanza ErrorDeCalendario o ErrorDePublicacion
    sin tocar ``destino`` si algo falla.
    """
    repositorio = Path(repositorio).resolve()
    destino = Path(destino).resolve()
    if destino == repositorio or repositorio.is_relative_to(destino):
        raise ErrorDePublicacion(f"{destino} contiene el repositorio del profesor: elige otra carpeta.")
    destino.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".publico-", dir=destino.parent) as temporal:
        fuente = Path(temporal) / "fuente"
        fuente.mkdir()
        commit = instantanea(repositorio, fuente)
        cal = calendario.leer(ruta_calendario or fuente / "calendario.yml")
        ahora = instante(fecha, cal.zona)
        deps = calendario.dependencias(fuente / "exercises")
        estados = calendario.decidir(cal, ahora, deps)
        problemas = _revisar_solucionarios(fuente)
        if problemas:
            raise ErrorDePublicacion("hay solucionarios que no se pueden quitar antes de su plazo:\n  "
                                     + "\n  ".join(problemas))

        def publicada(taller):
            fin = cal.fin_del_plazo(taller)
            return fin is not None and ahora >= fin

        nuevo = Path(temporal) / "edicion"
        nuevo.mkdir()
        escribir_arbol(fuente, nuevo, estados, _version_de(cal, publicada), _plazos(cal, estados))
        # La edición completa: todos los talleres y todos los solucionarios (con sus marcas, para saber
        # de qué plazo depende cada función). Lo que sale en cualquier fecha es parte de ella.
        completa = Path(temporal) / "completa"
        completa.mkdir()
        todos = {t: calendario.Estado(True) for t in TALLERES if (fuente / "exercises" / t).is_dir()}
        escribir_arbol(fuente, completa, todos, lambda texto, ruta: texto, {})
        prohibidos = material_del_profesor(nuevo) + material_del_profesor(completa)
        if prohibidos:
            raise ErrorDePublicacion("la edición pública contendría material del profesor: " + "; ".join(
                sorted({f"{ruta} ({texto})" for ruta, texto in prohibidos})[:10]))
        resumen_comprobacion = "Comprobación de sustitución: omitida (--sin-comprobar)."
        if comprobar:
            informe = sustitucion.filtraciones(completa)
            if informe.get("errores"):
                raise ErrorDePublicacion("no se puede revisar la edición pública: " + " ".join(informe["errores"]))
            filtradas, tras_el_plazo = filtraciones_en_el_calendario(informe, cal)
            if filtradas:
                raise ErrorDePublicacion(
                    "con este calendario, código público resolvería funciones calificadas antes de su plazo:\n  "
                    + "\n  ".join(_describir_filtracion(f) for f in filtradas)
                    + "\nReescribe ese código (o márcalo como solucionario del taller: README, «Publicar el "
                    "curso»), o cambia las fechas de calendario.yml.")
            resumen_comprobacion = _resumen(informe, tras_el_plazo)
        # Todo en orden: se sustituye el contenido anterior (salvo .git, el del repositorio público).
        destino.mkdir(exist_ok=True)
        for viejo in destino.iterdir():
            if viejo.name == ".git":
                continue
            shutil.rmtree(viejo) if viejo.is_dir() and not viejo.is_symlink() else viejo.unlink()
        for elemento in nuevo.iterdir():
            shutil.move(str(elemento), destino / elemento.name)
        solucionarios = _solucionarios(fuente)
    return plan(destino, commit, cal, ahora, estados, solucionarios, resumen_comprobacion)


def _solucionarios(fuente):
    """[(capítulo, taller)] de cada solucionario del libro."""
    encontrados = []
    for ruta in sorted((fuente / "book").rglob("*.md")):
        texto = ruta.read_text(encoding="utf-8", errors="replace")
        if "% solucionario" in texto:
            encontrados += [(ruta.relative_to(fuente).as_posix(), r.taller) for r in secciones.regiones(texto)]
    return encontrados


def _resumen(informe, tras_el_plazo):
    calificadas = len(informe.get("calificadas", []))
    texto = (f"Comprobación de sustitución: {informe.get('candidatos', 0)} funciones, clases y métodos públicos "
             f"frente a {calificadas} funciones calificadas ({informe.get('llamadas', 0)} adaptadores probados): "
             "ninguna fecha del calendario publica una respuesta antes de su plazo.")
    if tras_el_plazo:
        texto += (f" Tras los plazos se publican {len(tras_el_plazo)} que sí resuelven algo: "
                  + ", ".join(sorted({p["calificada"] for p in tras_el_plazo})) + ".")
    if informe.get("incompletas"):
        texto += (" Aviso: con " + ", ".join(informe["incompletas"]) + " no se probaron todas las combinaciones "
                  "de argumentos (tienen demasiados parámetros).")
    return texto


def plan(destino, commit, cal, ahora, estados, solucionarios, resumen_comprobacion):
    """El plan en español: qué lleva la edición, qué falta y cuándo es la siguiente publicación."""
    ficheros = sum(1 for r in destino.rglob("*") if r.is_file() and ".git" not in r.relative_to(destino).parts)
    lineas = [f"Edición pública escrita en {destino} ({ficheros} ficheros) desde el commit {commit}, con el "
              f"calendario del {calendario.fecha_en_texto(ahora)} ({cal.zona.key})."]
    futuras = []
    for taller, estado in estados.items():
        entrada = cal[taller]
        nombre = f"  Taller {calendario.numero(taller)} ({taller}): "
        if estado.publicado:
            plazo = ""
            if entrada.entrega:
                termino = " (terminado)" if ahora >= entrada.fin_del_plazo else ""
                plazo = f"; plazo de entrega hasta el {calendario.fecha_en_texto(entrada.entrega)}{termino}"
            lineas.append(nombre + "publicado" + plazo + ".")
        elif entrada.publicar:
            lineas.append(nombre + f"se publicará el {calendario.fecha_en_texto(entrada.publicar)}.")
            futuras.append((entrada.publicar, f"el cuaderno del taller {calendario.numero(taller)}"))
        else:
            lineas.append(nombre + "sin fecha de publicación en calendario.yml: no se publica.")
    for capitulo, taller in solucionarios:
        fin = cal.fin_del_plazo(taller)
        if fin is not None and ahora >= fin:
            lineas.append(f"  Solucionario de «{taller}» en {capitulo}: publicado.")
        elif fin is not None:
            lineas.append(f"  Solucionario de «{taller}» en {capitulo}: aparecerá el "
                          f"{calendario.fecha_en_texto(fin)}.")
            futuras.append((fin, f"el solucionario de {capitulo}"))
        else:
            lineas.append(f"  Solucionario de «{taller}» en {capitulo}: sin plazo de entrega en calendario.yml, "
                          "no se publica.")
    if futuras:
        momento = min(f for f, _ in futuras)
        que = " y ".join(q for f, q in sorted(futuras) if f == momento)
        lineas.append(f"Siguiente publicación: el {calendario.fecha_en_texto(momento)} ({que}). Vuelve a "
                      "ejecutar make publicar entonces y sube los cambios.")
    else:
        lineas.append("Siguiente publicación: ninguna; con este calendario ya está todo publicado.")
    lineas.append(resumen_comprobacion)
    lineas.append("Siguiente paso: súbela al repositorio público (README, «Publicar el curso»).")
    return "\n".join(lineas)
