"""Qué texto de un proceso aislado llega a la retroalimentación cuando ya tiene resultados de referencia.

Todo texto que sale del proceso aislado (mensajes de error, fallos de las pruebas públicas,
avisos) es un dato elegido por el estudiante. Mientras el proceso no ha recibido ningún
resultado de una auxiliar de referencia, ese texto solo se recorta y se limpia de rutas
(``calificacion.limpiar``): no puede llevar nada que el estudiante no pudiera escribir. Desde la
primera respuesta del calificador a una llamada, en cambio, el proceso puede tener resultados de
la referencia con entradas que él eligió, y de lo que diga solo se conserva lo que el estudiante
ya podía escribir sin ellos:

- de un error, su tipo (si es una excepción de Python; si no, «Error») y la pista en español que
  construye el calificador a partir de un mensaje reducido a las frases que reconoce, las
  dimensiones de los arreglos de los casos de la función y los nombres que aparecen en el código
  del estudiante (nunca el mensaje original);
- de un fallo de las pruebas públicas, la frase que escribió el profesor (una cadena del código de
  la prueba o de las celdas dadas que aparezca en el mensaje; los huecos de una cadena f solo
  pueden llevar trozos de otras frases suyas, nombres del código del estudiante, enteros hasta
  100, formas con las dimensiones de los casos y puntuación, en total ``MAX_PIEZAS`` piezas como
  mucho), o una indicación genérica;
- de un aviso del gancho de auditoría, solo su clase (sin la ruta: ``vigilante.evento_acotado``);
- de un resultado, lo que dice ``verificacion.comparar`` con ``acotado=True`` (sin números
  calculados con él ni nombres de tipos que no sean de Python).
"""
import ast
import builtins
import functools
import re
from dataclasses import dataclass, field

from solutions import retroalimentacion as textos

from .analisis import arbol_de

MIN_LITERAL = 12  # caracteres de una frase del profesor para reconocerla en un fallo


@dataclass
class Permitidos:
    """Lo que un texto acotado puede nombrar: dimensiones de arreglos y nombres del código del estudiante."""

    dimensiones: set = field(default_factory=lambda: set(range(6)))
    nombres: set = field(default_factory=set)


def nombres_del_codigo(codigos):
    """Identificadores que aparecen en ``codigos`` (el código del estudiante y las celdas dadas)."""
    return {n for codigo in codigos for n in re.findall(r"[A-Za-z_]\w*", codigo)}


def tipo_de_error(tipo):
    """``tipo`` si es el nombre de una excepción de Python; si no, «Error»."""
    clase = getattr(builtins, tipo, None) if str(tipo).isidentifier() else None
    return tipo if isinstance(clase, type) and issubclass(clase, BaseException) else "Error"


def _mensaje_permitido(mensaje, permitidos):
    """``mensaje`` sin los números que no son dimensiones permitidas ni los nombres entre comillas
    que no aparecen en el código del estudiante (lo demás solo elige una pista fija)."""
    def numero(m):
        return m.group() if int(m.group()) in permitidos.dimensiones else "…"

    def nombre(m):
        partes = m.group(1).split(".")
        return m.group() if all(p in permitidos.nombres for p in partes) else "'…'"

    return re.sub(r"'([^'\n]{0,80})'", nombre, re.sub(r"\d+", numero, str(mensaje)[:2000]))


def error(texto, permitidos):
    """«lanzó …» acotado para un error ``"Tipo: mensaje"`` del proceso aislado."""
    tipo, _, mensaje = str(texto).partition(": ")
    return textos.lanzado_acotado(tipo_de_error(tipo.strip()), _mensaje_permitido(mensaje, permitidos))


@functools.lru_cache(maxsize=64)
def plantillas(codigo):
    """Frases del profesor en ``codigo`` (una prueba pública o una celda dada), como tuplas de trozos.

    Una cadena normal es una tupla de un trozo (si tiene al menos ``MIN_LITERAL`` caracteres); una
    cadena f es la tupla de sus trozos fijos con ``None`` en cada hueco (``{nombre}``).
    """
    try:
        arbol = arbol_de(codigo)
    except (SyntaxError, ValueError):
        return frozenset()
    dentro = {id(v) for n in ast.walk(arbol) if isinstance(n, ast.JoinedStr) for v in n.values}
    frases = set()
    for nodo in ast.walk(arbol):
        if isinstance(nodo, ast.JoinedStr):
            frases.add(tuple(v.value if isinstance(v, ast.Constant) else None for v in nodo.values))
        elif (isinstance(nodo, ast.Constant) and isinstance(nodo.value, str) and id(nodo) not in dentro
              and len(nodo.value.strip()) >= MIN_LITERAL):
            frases.add((nodo.value.strip(),))
    return frozenset(frases)


MAX_PIEZAS = 32  # trozos de frases y datos que puede llevar un fallo acotado (ver _relleno)
_DATO = re.compile(r"\(\s*\d{1,3}(?:\s*,\s*\d{1,3})*\s*,?\s*\)|\(\)|[A-Za-z_]\w*|\d+(?:\.\d*)?|\S")
_PUNTUACION = set("`'\",;:.()[]{}-−=<>|")


def _fragmentos(frases):
    """Trozos fijos de las frases del profesor (de al menos 3 caracteres), de mayor a menor."""
    return sorted({t.strip() for f in frases for t in f if t and len(t.strip()) >= 3}, key=len, reverse=True)


def _relleno(valor, fragmentos, permitidos):
    """Piezas de ``valor`` (lo que rellena un hueco de una frase), o ``None`` si lleva algo no permitido.

    Solo valen trozos de frases del profesor, nombres del código del estudiante, enteros hasta 100
    (nunca decimales: así se escribiría un resultado), formas con las dimensiones de los casos y
    puntuación. Cada trozo y cada dato cuentan como una pieza.
    """
    piezas = 0
    for fragmento in fragmentos:
        if fragmento in valor:
            piezas += valor.count(fragmento)
            valor = valor.replace(fragmento, " ")
    for dato in _DATO.findall(valor):
        if dato in _PUNTUACION:
            continue
        if dato.startswith("("):
            valido = all(int(n) in permitidos.dimensiones for n in re.findall(r"\d+", dato))
        elif dato[0].isdigit():
            valido = dato.isdigit() and int(dato) <= 100
        else:
            valido = dato in permitidos.nombres
        if not valido:
            return None
        piezas += 1
    return piezas


def _frase(plantilla, texto, fragmentos, permitidos):
    """La frase de ``plantilla`` que aparece en ``texto`` con sus huecos rellenos de datos permitidos."""
    if len("".join(t for t in plantilla if t).strip()) < MIN_LITERAL:
        return None
    trozos = list(plantilla)
    trozos[0] = trozos[0].lstrip() if trozos[0] else trozos[0]
    trozos[-1] = trozos[-1].rstrip() if trozos[-1] else trozos[-1]
    ultimo = len(trozos) - 1
    patron = "".join(("(.{0,600})" if i == ultimo else "(.{0,600}?)") if t is None else re.escape(t)
                     for i, t in enumerate(trozos))
    encontrada = re.search(patron, texto, re.S)
    if encontrada is None:
        return None
    piezas = [_relleno(v, fragmentos, permitidos) for v in encontrada.groups()]
    if None in piezas or sum(piezas) + len(plantilla) > MAX_PIEZAS:
        return None
    return encontrada.group().strip()


_ORIGINAL = re.compile(r"\(Mensaje original: (\w+)(?:: (.*))?\)", re.S)


def fallo_publico(texto, frases, permitidos):
    """Fallo acotado de las pruebas públicas: la frase del profesor que contiene, o un error explicado."""
    texto = str(texto)[:4000]
    original = _ORIGINAL.search(texto)
    if original and texto.startswith("`"):  # un error del código probado, explicado por en_espanol
        return error(f"{original.group(1)}: {original.group(2) or ''}", permitidos)
    fragmentos = _fragmentos(frases)
    encontradas = [f for f in (_frase(p, texto, fragmentos, permitidos) for p in frases) if f]
    if encontradas:
        return textos.frase_publica_acotada(max(encontradas, key=len))
    return textos.FALLO_PUBLICO_ACOTADO
