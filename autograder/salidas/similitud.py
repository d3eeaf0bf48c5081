"""Posibles copias: pares de entregas cuyas funciones calificadas se parecen de forma inusual.

Se analiza el texto de los cuadernos, sin ejecutar nada. De cada entrega se toman las
funciones (o clases) calificadas que define; cada una se normaliza con ``ast`` y ``tokenize``:
sin comentarios, docstrings ni espacios (``ast.unparse``), con los identificadores propios
renombrados a uno solo (``V``; se conservan palabras clave, nombres de Python, atributos como
``np.sum`` y los nombres que da el cuaderno), las cadenas como ``S`` y los números por su valor.
Cada función da sus fragmentos de ``K`` fichas seguidas, así que el orden de las funciones no
cuenta. Se quitan los fragmentos del código que da el cuaderno (celdas dadas, pruebas públicas y
la plantilla de las celdas de solución) y cada fragmento pesa menos cuantos más estudiantes lo
tienen (``log((n + 1) / df)``): las fórmulas cortas de numpy se parecen en trabajos honestos.

La similitud de un par es el Jaccard ponderado de sus fragmentos: suma de los pesos de los
comunes entre suma de los pesos de todos (de 0 a 1). Es un motivo para mirar, no una prueba.
"""
import ast
import builtins
import csv
import io
import keyword
import re
import tokenize
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..calificacion import cuaderno
from ..calificacion.analisis import arbol_de
from ..texto import limpio

K = 6  # fichas por fragmento: con menos, dos fórmulas cortas cualesquiera ya coinciden
MAX_CELDA = 100_000  # caracteres de una celda que se compara
_SOLUCION = re.compile(r"^([ \t]*)### BEGIN SOLUTION.*?### END SOLUTION[^\n]*$", re.S | re.M)
_CONSERVADOS = frozenset(dir(builtins)) | frozenset(keyword.kwlist) | {"np", "numpy", "self"}


@dataclass
class Analisis:
    """Resultado del análisis de un lote."""

    pares: list = field(default_factory=list)  # (a, b, similitud) de mayor a menor
    codigo: dict = field(default_factory=dict)  # estudiante -> {función: código tal como lo escribió}
    vacias: set = field(default_factory=set)  # leídas sin nada propio en las funciones calificadas
    corte: float = 1.0  # a partir de aquí un par destaca sobre el resto de la clase

    def destacados(self, maximo=5):
        """Los pares principales (como mucho ``maximo``) con similitud positiva."""
        return [p for p in self.pares[:maximo] if p[2] > 0]


def _sin_docstrings(arbol):
    for nodo in ast.walk(arbol):
        if isinstance(nodo, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)):
            cuerpo = nodo.body
            if cuerpo and isinstance(cuerpo[0], ast.Expr) and isinstance(getattr(cuerpo[0], "value", None),
                                                                         ast.Constant) \
                    and isinstance(cuerpo[0].value.value, str):
                nodo.body = cuerpo[1:] or [ast.Pass()]
    return arbol


def _fichas(texto, conservados):
    """Fichas normalizadas de un código sin comentarios; tolera un código que no llega a compilar."""
    fichas, anterior = [], ""
    try:
        for ficha in tokenize.generate_tokens(io.StringIO(texto).readline):
            tipo, valor = ficha.type, ficha.string
            if tipo in (tokenize.COMMENT, tokenize.NL, tokenize.ENDMARKER, tokenize.ENCODING):
                continue
            if tipo == tokenize.NAME:
                valor = valor if (anterior == "." or valor in conservados) else "V"
            elif tipo == tokenize.STRING or tipo == getattr(tokenize, "FSTRING_START", -1):
                valor = "S"
            elif tipo == tokenize.NUMBER:
                try:
                    valor = repr(float(valor.replace("_", "")))
                except ValueError:
                    pass
            elif tipo == tokenize.NEWLINE:
                valor = ";"
            elif tipo == tokenize.INDENT:
                valor = "{"
            elif tipo == tokenize.DEDENT:
                valor = "}"
            fichas.append(valor)
            anterior = ficha.string
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass  # se queda con lo leído hasta el error
    return fichas


def _fragmentos(fichas):
    if len(fichas) < K:
        return {tuple(fichas)} if fichas else set()
    return {tuple(fichas[i:i + K]) for i in range(len(fichas) - K + 1)}


def _definiciones(codigo, nombres, arbol=None):
    """{nombre: nodo} de las definiciones de primer nivel de ``codigo`` cuyos nombres están en ``nombres``."""
    arbol = arbol or arbol_de(codigo)
    return {n.name: n for n in arbol.body
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n.name in nombres}


def _normalizada(nodo, conservados):
    """Fichas de una sentencia o definición: sus nombres locales se renombran aunque coincidan con uno dado; los
    nombres de los argumentos por palabra clave (``axis=``, ``keepdims=``) se conservan."""
    locales, claves = set(), set()
    for n in ast.walk(nodo):
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            locales.add(n.id)
        elif isinstance(n, ast.arg):
            locales.add(n.arg)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n is not nodo:
            locales.add(n.name)
        elif isinstance(n, ast.keyword) and n.arg:
            claves.add(n.arg)
    return _fichas(ast.unparse(_sin_docstrings(nodo)), (conservados - locales) | claves)


@dataclass
class Dado:
    """Lo que da el cuaderno: nombres que no se renombran y fragmentos que no cuentan."""

    conservados: frozenset = _CONSERVADOS
    fragmentos: set = field(default_factory=set)

    @classmethod
    def de_cuaderno(cls, ruta, taller):
        """A partir del cuaderno fuente del profesor (sin él, nada dado)."""
        dado = cls(conservados=_CONSERVADOS | frozenset(taller.funciones))
        if ruta is None or not Path(ruta).is_file():
            return dado
        codigos = []
        for celda in cuaderno.leer(ruta):
            if celda.tipo != "code":
                continue
            # Como nbgrader al generar el cuaderno del estudiante: cada región de solución pasa a ser
            # un «raise NotImplementedError()» con su sangría.
            texto = _SOLUCION.sub(r"\1raise NotImplementedError()", celda.fuente)
            codigos.append(cuaderno._sin_magias(texto) or "")
        arboles = []
        for codigo in codigos:
            try:
                arboles.append(arbol_de(codigo))
            except SyntaxError:
                continue
        definidos = set()
        for arbol in arboles:
            for nodo in ast.walk(arbol):
                if isinstance(nodo, (ast.FunctionDef, ast.ClassDef)) and nodo.name not in taller.funciones:
                    definidos.add(nodo.name)
                elif isinstance(nodo, ast.alias):
                    definidos.add((nodo.asname or nodo.name).split(".")[0])
        dado.conservados = dado.conservados | frozenset(definidos)
        for arbol in arboles:  # _normalizada cambia los árboles: va después de recorrerlos
            for nodo in arbol.body:
                dado.fragmentos |= _fragmentos(_normalizada(nodo, dado.conservados))
        return dado


def _de_la_entrega(ruta, taller, fuente):
    """({función: código original}, {función: fragmentos}) de las funciones calificadas de un cuaderno."""
    originales, normalizadas = {}, {}
    for celda in cuaderno.leer(ruta):
        nbg = celda.nbgrader
        gid = nbg.get("grade_id")
        if celda.tipo != "code" or gid == cuaderno.AUTOCOMPROBACION or gid in fuente.dados:
            continue
        if (nbg.get("grade") and not nbg.get("solution")) or gid in fuente.pruebas:
            continue
        if len(celda.fuente) > MAX_CELDA:  # ninguna solución ocupa tanto: no se compara
            continue
        try:
            arbol, codigo = arbol_de(celda.fuente), celda.fuente
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            arbol, codigo = None, cuaderno._sin_magias(celda.fuente)  # el transformador de IPython, si hace falta
        if not codigo:
            continue
        try:
            definiciones = _definiciones(codigo, taller.funciones, arbol)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            # No compila: se compara la celda entera, con las fichas que se puedan leer.
            if any(re.search(rf"\b{re.escape(f)}\b", codigo) for f in taller.funciones):
                originales[f"celda {len(originales) + 1}"] = celda.fuente
                normalizadas[f"celda {len(normalizadas) + 1}"] = codigo
            continue
        for nombre, nodo in definiciones.items():  # la última definición es la que vale
            originales[nombre] = ast.get_source_segment(codigo, nodo) or ""
            normalizadas[nombre] = nodo
    return originales, normalizadas


def analizar(entregas, taller, fuente_cuaderno=None):
    """``Analisis`` de las ``entregas`` (``entregas.Entrega``) de un taller; nunca ejecuta su código."""
    fuente = cuaderno.Fuente.de_cuaderno(fuente_cuaderno)
    dado = Dado.de_cuaderno(fuente_cuaderno, taller)
    analisis = Analisis()
    conjuntos = {}
    for entrega in entregas:
        if entrega.cuaderno is None or entrega.error:
            continue
        try:
            originales, normalizadas = _de_la_entrega(entrega.cuaderno, taller, fuente)
            fragmentos = set()
            for nodo in normalizadas.values():
                fichas = _normalizada(nodo, dado.conservados) if isinstance(nodo, ast.AST) else _fichas(
                    nodo, dado.conservados)
                fragmentos |= _fragmentos(fichas)
        except Exception:  # ilegible o hostil (anidamiento sin fin…): no se compara, y el lote sigue
            continue
        fragmentos -= dado.fragmentos
        conjuntos[entrega.estudiante] = fragmentos
        if fragmentos:
            analisis.codigo[entrega.estudiante] = {f: _lineas_limpias(c) for f, c in originales.items()}
        else:
            analisis.vacias.add(entrega.estudiante)
    analisis.pares = pares(conjuntos)
    analisis.corte = corte([p[2] for p in analisis.pares])
    return analisis


def _lineas_limpias(codigo):
    """El código tal cual, línea a línea sin caracteres de control (para mostrarlo)."""
    return "\n".join(limpio(linea) for linea in codigo.expandtabs(4).splitlines())


def pares(conjuntos):
    """[(a, b, similitud)] de todos los pares, de mayor a menor (con ``a`` < ``b``).

    Con una matriz dispersa estudiantes × fragmentos (scipy), los pesos comunes de todos los pares
    salen de un solo producto: con mil entregas son medio millón de pares.
    """
    import numpy as np
    from scipy import sparse

    estudiantes = sorted(conjuntos)
    n = sum(1 for c in conjuntos.values() if c)
    df = Counter(g for c in conjuntos.values() for g in c)
    columna = {g: j for j, g in enumerate(df)}
    filas = [i for i, e in enumerate(estudiantes) for _ in conjuntos[e]]
    columnas = [columna[g] for e in estudiantes for g in conjuntos[e]]
    presencia = sparse.csr_matrix((np.ones(len(filas)), (filas, columnas)), shape=(len(estudiantes), len(df)))
    peso = np.log((n + 1) / np.array([df[g] for g in columna], dtype=float)) if df else np.zeros(0)
    ponderada = presencia.multiply(peso[np.newaxis, :]).tocsr()
    comun = (ponderada @ presencia.T).toarray()
    total = np.asarray(ponderada.sum(axis=1)).ravel()
    a, b = np.triu_indices(len(estudiantes), 1)
    union = total[a] + total[b] - comun[a, b]
    similitud = np.round(np.divide(comun[a, b], union, out=np.zeros(len(a)), where=union > 0), 4)
    orden = np.lexsort((b, a, -similitud))
    return [(estudiantes[a[k]], estudiantes[b[k]], float(similitud[k])) for k in orden]


def corte(valores):
    """Similitud a partir de la cual un par destaca: tercer cuartil más tres veces el rango intercuartílico."""
    if len(valores) < 4:
        return 1.0
    ordenados = sorted(valores)
    q1, q3 = ordenados[len(ordenados) // 4], ordenados[(3 * len(ordenados)) // 4]
    return min(1.0, q3 + 3 * (q3 - q1))


def escribir_csv(analisis, ruta, escribir_atomico):
    """similitud.csv: ``estudiante_a,estudiante_b,similitud``, un par por fila, de mayor a menor."""
    buffer = io.StringIO()
    escritor = csv.writer(buffer, lineterminator="\n")
    escritor.writerow(["estudiante_a", "estudiante_b", "similitud"])
    for a, b, s in analisis.pares:
        escritor.writerow([_celda(a), _celda(b), f"{s:.4f}"])
    escribir_atomico(ruta, buffer.getvalue())


def _celda(texto):
    texto = limpio(texto)
    return "'" + texto if texto[:1] in ("=", "+", "-", "@") else texto
