"""Qué espera cada parámetro de una función pública, deducido de cómo lo usa su código.

La comprobación de sustitución no prueba cualquier valor en cualquier parámetro: un parámetro
que se llama (``grad(v)``) recibe una función; uno que va en ``range(...)`` o en un corte, un
entero; uno que se indexa con textos (``parametros[l]["W"]``), un diccionario de capas; uno que
se compara con textos o indexa un diccionario global (``ACTIVACIONES[oculta]``), una opción.
Si un parámetro solo se pasa a otra función de la edición, hereda lo que espera esa función.
"""
import ast
import functools
import inspect
import textwrap
from dataclasses import dataclass

VACIO = inspect.Parameter.empty
RNG = {"permutation", "choice", "normal", "integers", "random", "shuffle", "uniform", "standard_normal",
       "permuted", "binomial", "exponential", "poisson"}
METODOS_DE_DICCIONARIO = {"items", "keys", "values", "get"}


@dataclass
class Parametro:
    nombre: str
    tipo: str  # funcion, generador, opcion, entero, escalar, contenedor, secuencia, dato, instancia
    defecto: object = VACIO
    opciones: tuple = ()  # textos con que se compara o claves del registro que indexa
    claves: tuple = ()  # claves de texto con que se indexa (contenedor)
    registros: tuple = ()  # diccionarios globales que indexa (se pueden ampliar)


def _funcion_base(llamable):
    """(función de Python, parámetros ya fijados) de una función, método o parcial."""
    fijados = 0
    while True:
        if isinstance(llamable, functools.partial):
            fijados += len(llamable.args)
            llamable = llamable.func
        elif inspect.ismethod(llamable):
            fijados += 1
            llamable = llamable.__func__
        else:
            return llamable, fijados


def _nodo(funcion):
    """Nodo del AST de una función (``def`` o ``lambda``), o None si no hay fuente."""
    try:
        fuente = textwrap.dedent(inspect.getsource(funcion))
        arbol = ast.parse(fuente)
    except (OSError, TypeError, SyntaxError, IndentationError):
        return None
    codigo = funcion.__code__
    nombres = list(codigo.co_varnames[:codigo.co_argcount + codigo.co_kwonlyargcount])
    for nodo in ast.walk(arbol):
        if isinstance(nodo, (ast.FunctionDef, ast.AsyncFunctionDef)) and nodo.name == funcion.__name__:
            return nodo
        if isinstance(nodo, ast.Lambda) and funcion.__name__ == "<lambda>":
            argumentos = [a.arg for a in nodo.args.posonlyargs + nodo.args.args + nodo.args.kwonlyargs]
            if argumentos == nombres:
                return nodo
    return None


class _Usos:
    """Rasgos de cada parámetro en el cuerpo de una función."""

    def __init__(self, nodo, globales):
        self.rasgos = {}
        self.globales = globales
        padres = {}
        for padre in ast.walk(nodo):
            for hijo in ast.iter_child_nodes(padre):
                padres[hijo] = padre
        self.padres = padres
        cuerpo = nodo.body if isinstance(nodo.body, list) else [nodo.body]
        for sentencia in cuerpo:
            for n in ast.walk(sentencia):
                if isinstance(n, ast.Name):
                    self._nombre(n)

    def _r(self, nombre):
        return self.rasgos.setdefault(nombre, {"rasgos": set(), "opciones": set(), "claves": set(),
                                               "registros": [], "pasado": []})

    def _nombre(self, n):
        r = self._r(n.id)
        padre = self.padres.get(n)
        if isinstance(padre, ast.FormattedValue) or (isinstance(padre, ast.BinOp) and any(
                isinstance(lado, ast.Constant) and isinstance(lado.value, str) for lado in (padre.left, padre.right))):
            r["rasgos"].add("texto")  # f"{nombre}…" o "…" + nombre
        if self._argumento_de_una_llamada(n):
            r["rasgos"].add("arreglo")  # np.tanh(0.5 * Z), coste(p + h * d): un valor que se opera
        if isinstance(padre, ast.Call) and padre.func is n:
            r["rasgos"].add("llamado")
        elif isinstance(padre, ast.Attribute) and padre.value is n:
            if padre.attr in RNG:
                r["rasgos"].add("rng")
            elif padre.attr in METODOS_DE_DICCIONARIO:
                r["rasgos"].add("diccionario")
            else:
                r["rasgos"].add("arreglo")
        elif isinstance(padre, ast.Subscript) and padre.value is n:
            indice = padre.slice
            if isinstance(indice, (ast.Tuple, ast.Slice)):
                r["rasgos"].add("arreglo")  # X[:, lote], v[1:]: indexado de numpy
            elif isinstance(indice, ast.Constant) and isinstance(indice.value, str):
                r["claves"].add(indice.value)
                r["rasgos"].add("claves")
            else:
                r["rasgos"].add("indexado")
                abuelo = self.padres.get(padre)
                if isinstance(abuelo, ast.Subscript) and abuelo.value is padre and isinstance(
                        abuelo.slice, ast.Constant) and isinstance(abuelo.slice.value, str):
                    r["claves"].add(abuelo.slice.value)
                    r["rasgos"].add("capas")
                if isinstance(abuelo, (ast.BinOp, ast.Attribute)):
                    r["rasgos"].add("elementos")
        elif isinstance(padre, ast.Subscript) and padre.slice is n and isinstance(padre.value, ast.Name):
            registro = self.globales.get(padre.value.id)
            if isinstance(registro, dict):
                r["registros"].append(registro)
                r["opciones"].update(k for k in registro if isinstance(k, str))
        elif isinstance(padre, ast.Compare):
            textos = [c.value for c in [padre.left] + padre.comparators
                      if isinstance(c, ast.Constant) and isinstance(c.value, str)]
            if textos:
                r["opciones"].update(textos)
                r["rasgos"].add("comparado")
        elif isinstance(padre, ast.BinOp):
            r["rasgos"].add("matmul" if isinstance(padre.op, ast.MatMult) else "aritmetica")
        elif isinstance(padre, (ast.UnaryOp, ast.AugAssign)):
            r["rasgos"].add("aritmetica")
        elif isinstance(padre, ast.Call):
            funcion = padre.func
            if isinstance(funcion, ast.Name) and funcion.id == "range":
                r["rasgos"].add("entero")
            elif isinstance(funcion, ast.Name) and funcion.id == "len":
                r["rasgos"].add("longitud")
            elif isinstance(funcion, ast.Name):
                posicion = next((i for i, a in enumerate(padre.args) if a is n), None)
                palabra = next((k.arg for k in padre.keywords if k.value is n), None)
                r["pasado"].append((funcion.id, posicion, palabra))
            else:
                r["rasgos"].add("arreglo")  # np.asarray(x), np.sum(x)…
        elif isinstance(padre, ast.For) and padre.iter is n:
            r["rasgos"].add("iterado")
        if self._dentro_de_corte(n):
            r["rasgos"].add("corte")

    def _argumento_de_una_llamada(self, n):
        """¿Es ``n``, solo o dentro de una operación, argumento de una llamada que no es range/len?"""
        nodo = n
        while isinstance(self.padres.get(nodo), (ast.BinOp, ast.UnaryOp)):
            nodo = self.padres[nodo]
        if nodo is n:
            return False
        padre = self.padres.get(nodo)
        return isinstance(padre, ast.Call) and nodo in padre.args and not (
            isinstance(padre.func, ast.Name) and padre.func.id in ("range", "len", "int", "float", "print"))

    def _dentro_de_corte(self, n):
        nodo = n
        while nodo in self.padres:
            padre = self.padres[nodo]
            if isinstance(padre, ast.Slice):
                return True
            if isinstance(padre, ast.Call) and isinstance(padre.func, ast.Name) and padre.func.id == "range":
                return True
            if not isinstance(padre, ast.BinOp):
                return False
            nodo = padre
        return False


_CACHE = {}


def parametros(llamable, _visitando=None):
    """Lista de Parametro de un llamable de Python (sin los ya fijados), o None si no tiene firma."""
    funcion, fijados = _funcion_base(llamable)
    if not inspect.isfunction(funcion):
        return None
    palabras = tuple(sorted(llamable.keywords)) if isinstance(llamable, functools.partial) else ()
    clave = (funcion.__code__, fijados, palabras)
    if clave in _CACHE:
        return _CACHE[clave]
    visitando = set() if _visitando is None else _visitando
    if funcion.__code__ in visitando:
        return None
    visitando.add(funcion.__code__)
    try:
        firma = inspect.signature(funcion)
    except (TypeError, ValueError):
        return None
    nodo = _nodo(funcion)
    usos = _Usos(nodo, funcion.__globals__).rasgos if nodo is not None else {}
    resultado = []
    for i, p in enumerate(firma.parameters.values()):
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        defecto = p.default
        if isinstance(llamable, functools.partial) and p.name in llamable.keywords:
            defecto = llamable.keywords[p.name]
        if i < fijados:
            continue
        resultado.append(_tipo(p.name, defecto, usos.get(p.name), funcion.__globals__, visitando))
    _CACHE[clave] = resultado
    return resultado


def _tipo(nombre, defecto, uso, globales, visitando):
    uso = uso or {"rasgos": set(), "opciones": set(), "claves": set(), "registros": [], "pasado": []}
    rasgos, opciones = uso["rasgos"], set(uso["opciones"])
    registros = list(uso["registros"])
    heredado = None
    for funcion, posicion, palabra in uso["pasado"]:
        destino = globales.get(funcion)
        if not inspect.isfunction(destino):
            continue
        suyos = parametros(destino, visitando)
        if not suyos:
            continue
        p = suyos[posicion] if posicion is not None and posicion < len(suyos) else next(
            (q for q in suyos if q.nombre == palabra), None)
        if p is None:
            continue
        opciones |= set(p.opciones)
        registros += [r for r in p.registros if not any(r is s for s in registros)]
        if heredado is None or heredado.tipo == "dato":
            heredado = p
    if isinstance(defecto, str):
        opciones.add(defecto)
    if isinstance(defecto, bool):
        opciones.add(not defecto)  # un interruptor: el adaptador puede darle la vuelta
    if "llamado" in rasgos:
        tipo = "funcion"
    elif "texto" in rasgos and not rasgos & {"arreglo", "matmul", "indexado", "claves"}:
        tipo = "texto"
    elif "rng" in rasgos:
        tipo = "generador"
    elif opciones or registros or isinstance(defecto, (str, bool)):
        tipo = "opcion"
    elif "claves" in rasgos or "capas" in rasgos or "diccionario" in rasgos:
        tipo = "contenedor"
    elif "indexado" in rasgos and not rasgos & {"aritmetica", "matmul", "arreglo"}:
        tipo = "secuencia"
    elif "entero" in rasgos or ("corte" in rasgos and not rasgos & {"matmul", "arreglo", "indexado"}):
        tipo = "entero"
    elif "aritmetica" in rasgos and not rasgos & {"arreglo", "matmul", "indexado", "longitud", "iterado"} \
            and not uso["pasado"]:
        tipo = "escalar"
    elif heredado is not None:
        return Parametro(nombre, heredado.tipo, defecto, tuple(sorted(opciones, key=repr)), heredado.claves,
                         tuple(registros))
    else:
        tipo = "dato"
    return Parametro(nombre, tipo, defecto, tuple(sorted(opciones, key=repr)), tuple(sorted(uso["claves"])),
                     tuple(registros))


def dependencias(llamable):
    """Sentencia -> parámetros de los que dependen sus nombres, o None si no hay fuente.

    Devuelve una función que, para un número de línea del cuerpo, da (parámetros de los que
    puede depender su sentencia, directamente o a través de variables locales asignadas a partir
    de ellos; primera línea de la sentencia). Sirve para aprender de un error: si una llamada
    falla la primera vez que ejecuta esa sentencia, fallará igual con los mismos valores en esos
    parámetros, sean cuales sean los demás.
    """
    funcion, _ = _funcion_base(llamable)
    if not inspect.isfunction(funcion):
        return None
    clave = ("dependencias", funcion.__code__)
    if clave in _CACHE:
        return _CACHE[clave]
    nodo = _nodo(funcion)
    if nodo is None:
        _CACHE[clave] = None
        return None
    codigo = funcion.__code__
    propios = set(codigo.co_varnames[:codigo.co_argcount + codigo.co_kwonlyargcount])
    depende = {p: {p} for p in propios}
    def nombres(*nodos, contexto=ast.Load):
        return {t.id for n in nodos if n is not None for t in ast.walk(n)
                if isinstance(t, ast.Name) and isinstance(t.ctx, contexto)}

    asignaciones = []  # (nombres asignados, nombres de los que dependen)
    for n in ast.walk(nodo):
        if isinstance(n, ast.Assign):
            asignaciones.append((nombres(*n.targets, contexto=ast.Store), nombres(n.value)))
        elif isinstance(n, (ast.AugAssign, ast.AnnAssign)):
            asignaciones.append((nombres(n.target, contexto=ast.Store) | nombres(n.target),
                                 nombres(n.target, n.value)))
        elif isinstance(n, (ast.For, ast.comprehension)):
            asignaciones.append((nombres(n.target, contexto=ast.Store), nombres(n.iter)))
        elif isinstance(n, ast.withitem):
            asignaciones.append((nombres(n.optional_vars, contexto=ast.Store), nombres(n.context_expr)))
        elif isinstance(n, ast.NamedExpr):
            asignaciones.append((nombres(n.target, contexto=ast.Store), nombres(n.value)))
    cambio = True
    while cambio:
        cambio = False
        for destinos, fuentes in asignaciones:
            nuevas = set().union(*(depende.get(f, set()) for f in fuentes)) if fuentes else set()
            for d in destinos:
                if not nuevas <= depende.setdefault(d, set()):
                    depende[d] |= nuevas
                    cambio = True
    # Línea (relativa al principio de la función en su fichero) -> sentencia más pequeña que la contiene.
    primera = codigo.co_firstlineno - nodo.lineno
    sentencias = [s for s in ast.walk(nodo) if isinstance(s, ast.stmt) and s is not nodo]

    @functools.lru_cache(maxsize=None)
    def de_linea(linea):
        relativa = linea - primera
        dentro = [s for s in sentencias if s.lineno <= relativa <= (s.end_lineno or s.lineno)]
        if not dentro:
            return None, None
        sentencia = min(dentro, key=lambda s: (s.end_lineno or s.lineno) - s.lineno)
        inicio = sentencia.lineno + primera
        if isinstance(sentencia, (ast.For, ast.While, ast.If, ast.With)):
            partes = [sentencia.iter] if isinstance(sentencia, ast.For) else (
                [sentencia.test] if isinstance(sentencia, (ast.While, ast.If)) else sentencia.items)
            usados = nombres(*partes)
        else:
            usados = nombres(sentencia)  # un error al asignar solo depende de lo que se lee
        return (frozenset(set().union(*(depende.get(n, set()) for n in usados)) & propios) if usados
                else frozenset()), inicio

    _CACHE[clave] = de_linea
    return de_linea


def orden_de_uso(llamable):
    """Nombres de los parámetros en el orden en que los usa el cuerpo por primera vez (o None)."""
    funcion, _ = _funcion_base(llamable)
    if not inspect.isfunction(funcion):
        return None
    nodo = _nodo(funcion)
    if nodo is None:
        return None
    cuerpo = nodo.body if isinstance(nodo.body, list) else [nodo.body]
    primeros = {}
    for sentencia in cuerpo:
        for n in ast.walk(sentencia):
            if isinstance(n, ast.Name):
                primeros[n.id] = min(primeros.get(n.id, (10 ** 9, 0)), (n.lineno, n.col_offset))
    return sorted(primeros, key=primeros.get)
