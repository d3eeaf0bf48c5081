"""Errores de sintaxis de una celda explicados como lo haría un profesor: la línea, dónde y qué falla.

El proceso aislado solo dice que una celda dio ``SyntaxError`` (o ``IndentationError``/``TabError``).
La línea, la columna y el mensaje se obtienen aquí, en el calificador, compilando el código de la
celda, que es el que escribió el estudiante (``compile`` no ejecuta nada). Así lo que se muestra
sale del cuaderno, no de lo que diga el proceso aislado. La pista es una de las frases fijas de
``_PISTAS`` (en español) elegida por el mensaje de Python, que se conserva como detalle técnico.
"""
import re

MAX_CODIGO = 200_000  # caracteres de una celda que se compila para explicar su error
MAX_LINEA = 160  # caracteres de la línea que se muestra
MAX_NOMBRES = 50  # funciones y clases que se anotan como definidas en la celda
TIPOS = ("SyntaxError", "IndentationError", "TabError")

_ABRE = {"(": ")", "[": "]", "{": "}"}

#: (patrón del mensaje de Python, pista). La primera que coincide gana.
_PISTAS = (
    (r"^expected an indented block after '?(\w+)'? (?:statement|definition)? ?on line (\d+)|"
     r"^expected an indented block",
     "Falta la sangría: lo que va dentro de un `def`, `if`, `for` o `while` se escribe 4 espacios más "
     "a la derecha que la línea que termina en `:`."),
    (r"^unexpected indent",
     "Esta línea tiene más sangría que la anterior sin que haya un bloque nuevo: alinéala con las "
     "líneas de su bloque."),
    (r"^unindent does not match",
     "La sangría de esta línea no coincide con la de ningún bloque de encima: usa siempre 4 espacios "
     "por nivel (¿has mezclado espacios y tabuladores?)."),
    (r"inconsistent use of tabs and spaces",
     "Mezclas tabuladores y espacios en la sangría: usa solo espacios (4 por nivel)."),
    (r"^expected ':'",
     "Falta `:` al final de la línea: `def`, `if`, `elif`, `else`, `for`, `while`, `try` y `with` "
     "terminan en dos puntos."),
    (r"^'[(\[{]' was never closed",
     "Un paréntesis (o corchete, o llave) que abres aquí no se cierra nunca: cuenta los que abres y "
     "los que cierras en esta instrucción."),
    (r"^unmatched '[)\]}]'",
     "Sobra un paréntesis (o corchete, o llave) de cierre: aquí no hay ninguno abierto que cerrar. "
     "¿Falta el de apertura o hay uno de más?"),
    (r"^closing parenthesis '.' does not match opening parenthesis",
     "Cierras con un signo distinto del que abriste, como `(` cerrado con `]`: cada `(` se cierra con "
     "`)`, cada `[` con `]` y cada `{` con `}`."),
    (r"^unterminated (?:triple-quoted )?string literal|^EOL while scanning",
     "Una cadena de texto no se cierra: falta la comilla final."),
    (r"^invalid character '(.)' \(U\+([0-9A-F]+)\)",
     "Hay un carácter que Python no entiende: ¿lo copiaste de un PDF o del libro (como «−» o «×»)? "
     "Escríbelo con el teclado: `-` para restar, `*` para multiplicar."),
    (r"^invalid non-printable character",
     "Hay un carácter invisible en la línea (suele venir de copiar y pegar): bórrala y vuelve a "
     "escribirla."),
    (r"^invalid (?:decimal|hexadecimal|octal|binary) literal",
     "Un número va pegado a un nombre, como `2x`: escribe la multiplicación, `2 * x`, o cambia el "
     "nombre para que no empiece por una cifra."),
    (r"Perhaps you forgot a comma",
     "¿Falta una coma? Entre los argumentos de una llamada o los elementos de una lista o tupla va "
     "una coma."),
    (r"Maybe you meant '==' or ':=' instead of '='",
     "¿Querías comparar? Se compara con `==`; un solo `=` asigna un valor a un nombre."),
    (r"^cannot assign to|^cannot delete",
     "A la izquierda de `=` solo puede ir un nombre (o una posición de un arreglo, como `x[0]`), "
     "nunca una operación o una llamada a una función."),
    (r"^'return' outside function",
     "`return` solo puede ir dentro de un `def`: ¿le falta la sangría para quedar dentro de la función?"),
    (r"^'(?:break|continue)' (?:outside loop|not properly in loop)",
     "`break` y `continue` solo pueden ir dentro de un `for` o un `while`: ¿les falta sangría?"),
    (r"^too many nested parentheses",
     "Hay demasiados paréntesis anidados en esta línea (Python admite hasta 200): parte la expresión "
     "en varias líneas con nombres intermedios."),
    (r"^Missing parentheses in call to 'print'",
     "`print` es una función: escribe `print(...)` con paréntesis."),
    (r"^unexpected EOF|^invalid syntax$|^invalid syntax\.",
     None),  # se decide mirando el código (``_pista_general``)
)


def es_de_sintaxis(error):
    """Cierto si el error de una celda (``"Tipo: mensaje"``) es de sintaxis o de sangría."""
    return str(error).split(":", 1)[0].strip() in TIPOS


def _desequilibrio(texto):
    """Paréntesis abiertos sin cerrar en ``texto`` (sin contar los de cadenas ni comentarios)."""
    texto = re.sub(r"#.*", "", re.sub(r"'[^'\n]*'|\"[^\"\n]*\"", "''", texto))
    pila = 0
    for c in texto:
        if c in _ABRE:
            pila += 1
        elif c in _ABRE.values():
            pila -= 1
    return pila


def _pista_general(lineas, numero):
    """Pista para «invalid syntax» mirando la línea del error y la anterior."""
    linea = lineas[numero - 1] if 0 < numero <= len(lineas) else ""
    anteriores = [l for l in lineas[:max(numero - 1, 0)] if l.strip() and not l.strip().startswith("#")]
    if anteriores and _desequilibrio(anteriores[-1]) > 0:
        return ("¿Falta cerrar un paréntesis en la línea de encima? Python sigue leyendo la instrucción "
                "anterior y tropieza aquí.")
    bloque = re.match(r"\s*(def|class|if|elif|else|for|while|try|except|finally|with)\b", linea)
    if bloque and not re.sub(r"#.*", "", linea).rstrip().endswith(":"):
        return (f"Falta `:` al final de la línea: `{bloque.group(1)}` termina en dos puntos.")
    if _desequilibrio(linea) > 0:
        return "Un paréntesis de esta línea no se cierra: cuenta los que abres y los que cierras."
    return ("Python no entiende la línea a partir del acento circunflejo (^): mira justo ahí y justo antes. "
            "Lo más habitual es un `:` que falta al final de `def`, `if`, `for` o `while`, un paréntesis "
            "sin cerrar (en esta línea o en la anterior) o una coma que falta.")


def diagnosticar(codigo):
    """{linea, columna, ancho, texto, pista, original} del error de sintaxis de ``codigo``, o ``None``.

    ``columna`` cuenta desde 1 en ``texto`` (la línea, recortada a ``MAX_LINEA`` caracteres) y
    ``ancho`` es cuántos caracteres marca el acento circunflejo.
    """
    codigo = str(codigo)
    if len(codigo) > MAX_CODIGO:
        return None
    try:
        compile(codigo, "<celda>", "exec", dont_inherit=True)
    except SyntaxError as error:
        return _diagnostico(error, codigo)
    except Exception:  # demasiado anidado, memoria…: no se explica, queda el mensaje original
        return None
    return None


def _diagnostico(error, codigo):
    lineas = codigo.splitlines()
    numero = error.lineno or 0
    texto = lineas[numero - 1] if 0 < numero <= len(lineas) else (error.text or "").rstrip("\n")
    texto = texto.replace("\t", " ")  # un carácter por tabulador: la columna de Python sigue valiendo
    columna = max(1, min(error.offset or 1, len(texto) + 1))
    fin = getattr(error, "end_offset", None)
    ancho = fin - columna if (getattr(error, "end_lineno", None) == numero and fin and fin > columna) else 1
    sangria = len(texto) - len(texto.lstrip())
    if columna <= sangria and type(error).__name__ != "SyntaxError":
        columna = max(1, sangria + 1)  # los errores de sangría marcan el principio del texto
    if len(texto) > MAX_LINEA:
        inicio = max(0, min(columna - MAX_LINEA // 2, len(texto) - MAX_LINEA))
        texto = ("…" if inicio else "") + texto[inicio:inicio + MAX_LINEA] + "…"
        columna = columna - inicio + (1 if inicio else 0)
    mensaje = str(error.msg or "")
    pista = None
    for patron, frase in _PISTAS:
        if re.search(patron, mensaje):
            pista = frase if frase is not None else _pista_general(lineas, numero)
            break
    if pista is None:
        pista = _pista_general(lineas, numero)
    return {"linea": numero, "columna": columna, "ancho": max(1, min(ancho, 40)), "texto": texto,
            "pista": pista, "original": f"{type(error).__name__}: {mensaje} (línea {numero})",
            "define": sorted(set(re.findall(r"^(?:def|class)\s+(\w+)", codigo, re.M)))[:MAX_NOMBRES]}


def anotar(celdas, programa):
    """Añade ``"sintaxis"`` (ver ``diagnosticar``) a cada celda de ``celdas`` con un error de sintaxis.

    ``celdas`` son las de la retroalimentación ({"celda": etiqueta, "error": …}) y ``programa`` la
    lista [(etiqueta, código)] que se envió al proceso aislado.
    """
    codigos = {str(etiqueta): codigo for etiqueta, codigo in programa}
    for celda in celdas:
        if celda.get("error") and es_de_sintaxis(_tipo_original(celda["error"])):
            diagnostico = diagnosticar(codigos.get(str(celda["celda"]), ""))
            if diagnostico is not None:
                celda["sintaxis"] = diagnostico
    return celdas


def _tipo_original(error):
    """«Tipo: …» del error tal como llegó, aunque ya lleve delante la explicación en español."""
    original = re.search(r"\(Mensaje original: (\w+Error)", str(error))
    return f"{original.group(1)}:" if original else str(error)
