"""Textos de la retroalimentación: el único sitio que construye los mensajes de un caso oculto.

Lo que lee un estudiante cuando un caso oculto, una prueba pública o una celda fallan se escribe
aquí, igual en la prueba oculta del cuaderno (``verificacion.verificar``, con nbgrader) y en el
calificador (``autograder.calificacion``). Quien decide qué está mal (``verificacion.comparar``,
``veredictos``, ``texto_acotado``) solo elige el mensaje y sus datos. Las pistas de los errores de
Python y de numpy son las de ``comprobaciones.pista_de_error``, que el cuaderno también trae en una
celda dada.

Con ``acotado`` (el texto viene de un proceso que ya tenía resultados de la referencia), los
mensajes no llevan números calculados con esos resultados ni nombres de tipos que eligiera el
estudiante.
"""
import re

from .comprobaciones import explicar_error, pista_de_error


def plural(n, singular, plural_=None):
    """«1 época», «3 épocas»."""
    return f"{n} {singular if n == 1 else (plural_ or singular + 's')}"


# --- El resultado de un caso oculto --------------------------------------------------------------

#: Tipos de Python que se nombran en los mensajes acotados (los de las clases del estudiante no).
TIPOS_CONOCIDOS = {"str", "dict", "set", "bool", "bytes", "function", "module", "type", "NoneType", "complex"}

#: Pista sobre la orientación de los datos según el módulo de la referencia (red o regresión).
CONVENIO_DE_EJEMPLOS = {
    "solutions.xor": " En la red del XOR las columnas son los ejemplos.",
    "solutions.regresion": " En la regresión lineal las filas son los ejemplos.",
    "solutions.sgd": " En este taller las columnas son los ejemplos.",
}

#: Argumento que se suele modificar por error en cada función que no debe modificar sus entradas.
ARGUMENTO_MODIFICADO = {"descensoGradiente": "theta", "entrenarRed": "w1", "normalizar": "X",
                        "gradienteNumerico": "x", "gradienteMinilote": "W", "epocaSGD": "W", "entrenarSGD": "W"}


def nombre_de_tipo(valor, acotado=False):
    """Nombre del tipo de un valor devuelto, para un mensaje.

    Un valor que el proceso aislado no pudo enviar como datos llega como ``codec.Ajeno``, con el
    nombre de su tipo (o una descripción) limpio de símbolos; con ``acotado``, solo se nombran
    los tipos de Python (``TIPOS_CONOCIDOS``).
    """
    if type(valor).__name__ == "Ajeno" and isinstance(getattr(valor, "tipo_ajeno", None), str):
        tipo = re.sub(r"\W", "_", valor.tipo_ajeno)[:60] or "objeto"
    else:
        tipo = type(valor).__name__
    if acotado and tipo not in TIPOS_CONOCIDOS:
        return "otro"
    return tipo


def sin_return(nombre):
    return f"`{nombre}` es None: ¿olvidaste el `return`?"


def no_numerico(nombre, tipo):
    return f"`{nombre}` debería ser numérico y es de tipo {tipo}."


def forma_distinta(nombre, forma, esperada, pista):
    """``forma`` es la obtenida (texto) u «otra forma» si no se puede decir."""
    return (f"`{nombre}` tiene {'forma ' + forma if forma != 'otra forma' else forma} y se esperaba "
            f"{esperada}.{pista}")


def pista_parada_temprana(epocas_hechas, epocas_esperadas):
    return (f" Se detiene tras {plural(epocas_hechas, 'época')} y debía hacerlo tras {epocas_esperadas}: hay un "
            "coste por época hecha, y se para cuando pasan `paciencia` épocas seguidas sin que baje "
            "el menor coste de validación.")


def pista_traspuesta(modulo_referencia):
    return " ¿Has traspuesto una matriz?" + CONVENIO_DE_EJEMPLOS.get(modulo_referencia, "")


PISTA_OTRA_FORMA = " Tiene los valores necesarios pero en otra forma: revisa `keepdims` o `reshape`."


def con_nan(nombre):
    return f"`{nombre}` contiene NaN o infinitos."


def no_coincide(nombre, diferencia=None):
    """Sin ``diferencia`` (mensaje acotado) no se da ningún número."""
    if diferencia is None:
        return f"`{nombre}` no coincide con el valor correcto."
    return f"`{nombre}` no coincide con el valor correcto (diferencia máxima {diferencia:.3g})."


def numero_de_valores(nombres, hay):
    return f"debe devolver {len(nombres)} valores ({', '.join(nombres)}) y devolvió {hay}."


def entradas_modificadas(funcion):
    """Mensaje (en español) para una función que modifica los arreglos que recibe."""
    nombre = ARGUMENTO_MODIFICADO.get(funcion, "x")
    return (f"modifica los arreglos que recibe (por ejemplo con `{nombre} -= …` o `{nombre}[i] = …`), y con "
            f"ellos los de quien la llama: trabaja sobre una copia (`{nombre} = {nombre} - …` crea un "
            f"arreglo nuevo).")


def lanzado(texto):
    """«lanzó …» con el error ``"Tipo: mensaje"`` explicado en español."""
    tipo, _, mensaje = str(texto).partition(": ")
    if not tipo.isidentifier() or pista_de_error(tipo, mensaje) is None:
        return f"lanzó un error (mensaje original: {texto})."
    return f"lanzó un error. {explicar_error(tipo, mensaje)}"


# --- Minilotes (una lista de arreglos de distinta longitud) ------------------------------------

MINILOTES_NONE = "devolvió None: ¿olvidaste el `return`?"


def minilotes_no_lista(tipo):
    return f"debe devolver una lista de minilotes y devolvió algo de tipo {tipo}."


def minilotes_cuantos(obtenidos, esperados, m, tam):
    pista = ""
    if obtenidos == esperados - 1 and m % tam:
        sobran = "el índice que sobra" if m % tam == 1 else f"los {m % tam} índices que sobran"
        pista = (f" ¿Pierdes el último minilote, el incompleto, con {sobran}? "
                 "Recorre los inicios con `range(0, m, tam_lote)`.")
    return f"devuelve {plural(obtenidos, 'minilote')} y, con m = {m} y tam_lote = {tam}, debían ser {esperados}.{pista}"


# --- La prueba oculta del cuaderno --------------------------------------------------------------

def no_encontrada(funcion):
    return f"No se encontró `{funcion}`: no cambies el nombre de la función."


def fallo_de_caso(descripcion, problemas):
    return f"- con {descripcion}: " + " ".join(problemas)


def resumen_de_fallos(funcion, fallos, total):
    return f"`{funcion}` falla {len(fallos)} de {total} casos ocultos:\n" + "\n".join(fallos)


# --- Lo que solo sabe el calificador: el proceso aislado ----------------------------------------

def sin_ejecutar(publicas=False):
    if publicas:
        return "no se llegaron a ejecutar (el proceso se detuvo antes)."
    return "no se llegó a ejecutar (el proceso se detuvo antes)."


def detuvo_el_proceso(motivo, publicas=False):
    return f"{'detuvieron' if publicas else 'detuvo'} el proceso: {motivo}."


#: Comienzos de mensajes que la página del estudiante reconoce para agruparlos y ordenarlos.
LANZADO = "lanzó un error"
SIN_EJECUTAR = "no se llegó a ejecutar"
#: Lo que probablemente pasa cuando una función no termina.
BUCLE = "¿hay un bucle cuya condición nunca cambia?"


def no_termino(segundos):
    """Un caso (o las pruebas públicas) que agotó su plazo: el mismo texto para los dos, y así se agrupan."""
    return f"la función no terminó en {segundos:g} s: {BUCLE}"


def saltado_por_tiempo(segundos):
    """Un caso que no se ejecutó porque otro anterior de la misma función no terminó."""
    return (f"{SIN_EJECUTAR}: antes, otro caso de esta función no terminó en {segundos:g} s "
            f"(y no se vuelve a esperar).")


def interrumpido_por_total(total):
    return (f"no llegó a terminar: mientras se ejecutaba se acabó el tiempo total de la entrega "
            f"({total:g} s).")


def sin_ejecutar_por_total(total):
    return f"{SIN_EJECUTAR}: lo anterior agotó el tiempo total de la entrega ({total:g} s)."


def error_sin_explicacion(cita):
    """Lo que dice la página del estudiante de un error de Python sin pista en español."""
    return (f"Python da un error{cita} para el que aún no tenemos una explicación en español. Lee el "
            f"mensaje original en el detalle técnico y, si no ves la causa, pregunta al profesor.")


def lanzado_sin_explicacion(cita):
    return (f"{LANZADO} de Python{cita} para el que aún no tenemos una explicación en español: lee "
            f"el mensaje original en el detalle técnico.")


def no_implementada():
    return lanzado("NotImplementedError: ")


RESULTADO_ILEGIBLE = "devolvió un resultado que no se pudo interpretar."
COMPROBACION_SIN_TEXTO = "una comprobación no se cumple"
CELDA_SIN_HACER = "Aún no has hecho esta celda: borra la línea `raise NotImplementedError()` y escribe tu código."


def error_de_celda(texto):
    """Error de una celda del estudiante, explicado en español si es un error de Python."""
    tipo, _, mensaje = texto.partition(": ")
    if tipo == "NotImplementedError":
        return CELDA_SIN_HACER
    if tipo.isidentifier() and tipo[0].isupper():
        return explicar_error(tipo, mensaje)
    return texto


# --- Textos acotados (``texto_acotado``) -----------------------------------------------------------

NOTA_ACOTADA = ("El calificador no muestra aquí el mensaje original: en esta parte tu código usa resultados de "
                "las funciones de referencia del calificador. Para verlo, ejecuta las pruebas de tu cuaderno.")
NOTA_PUBLICAS = "Para ver los valores, ejecuta las pruebas de tu cuaderno."
FALLO_PUBLICO_ACOTADO = ("una comprobación no se cumple. Para ver cuál, y con qué valores, ejecuta las pruebas de "
                         "tu cuaderno.")


def lanzado_acotado(tipo, mensaje_permitido):
    """«lanzó un error (`Tipo`)» con la pista del mensaje ya reducido, o la nota si no hay pista."""
    pista = pista_de_error(tipo, mensaje_permitido)
    return f"lanzó un error (`{tipo}`). " + (pista if pista is not None else NOTA_ACOTADA)


def frase_publica_acotada(frase):
    return f"{frase} {NOTA_PUBLICAS}"
