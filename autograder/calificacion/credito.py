"""Política de crédito de cada función calificada (``calificar --credito``).

``todo`` (por defecto): la función lleva sus puntos solo si supera todos sus casos ocultos y sus
pruebas públicas. ``proporcional``: lleva sus puntos por la fracción de casos ocultos que supera,
redondeado a dos decimales. Las pruebas públicas dan el mismo veredicto en los dos modos: una
función que no las pasa nunca tiene todos sus puntos (cuentan como un caso oculto fallado más
cuando los supera todos).
"""
MODOS = ("todo", "proporcional")


def superados(info):
    """(casos ocultos superados, casos ocultos) de una función del resultado; los que no llegaron a
    ejecutarse cuentan como no superados."""
    ocultos = info.get("ocultos", 0)
    fallados = sum(1 for f in info["fallos"] if not f.get("publica"))
    return max(0, ocultos - fallados), ocultos


def ejecutados(info):
    """Casos ocultos que llegaron a ejecutarse (los demás se quedaron sin tiempo o sin proceso)."""
    return min(info.get("ejecutados", info.get("ocultos", 0)), info.get("ocultos", 0))


def publicas_fallan(info):
    return any(f.get("publica") for f in info["fallos"])


def aplicar(resultado, taller, modo):
    """Pone los puntos de cada función y el total de ``resultado`` según ``modo`` (en el sitio)."""
    if modo != "proporcional":
        return resultado
    for info in resultado["funciones"].values():
        bien, total = superados(info)
        if publicas_fallan(info) and total:
            bien = min(bien, total - 1)
        info["puntos"] = round(info["max"] * bien / total, 2) if total and not info["falta"] else 0
        info["credito"] = "proporcional"
    resultado["puntos"] = round(sum(f["puntos"] for f in resultado["funciones"].values()), 2)
    return resultado


def texto_casos(info):
    """«3/5»: casos ocultos superados de los ejecutados (para el CSV)."""
    return f"{superados(info)[0]}/{ejecutados(info)}"


def texto_funcion(info):
    """Resultado de una función en la retroalimentación con crédito proporcional."""
    bien, total = superados(info)
    hechos = ejecutados(info)
    texto = f"supera {bien} de {total} casos ocultos"
    if hechos < total:
        faltan = total - hechos
        texto = (f"supera {bien} de los {hechos} casos ocultos que se ejecutaron; "
                 f"{faltan} {'no llegó' if faltan == 1 else 'no llegaron'} a ejecutarse y no suma{'n' if faltan > 1 else ''}")
    if publicas_fallan(info):
        texto += " y no pasa sus pruebas públicas"
    return texto


def columnas_csv(resultados, taller):
    """Columnas ``casos_<función>`` («superados/ejecutados») del CSV con crédito proporcional; si no, ninguna."""
    if not any(i.get("credito") == "proporcional" for r in resultados for i in r["funciones"].values()):
        return []
    return [(f"casos_{f}", lambda r, f=f: texto_casos(r["funciones"][f])) for f in taller.funciones]
