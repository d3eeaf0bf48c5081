"""Crédito parcial (issue 25, punto 7): ``credito.aplicar`` sobre resultados como los del calificador."""
from autograder import credito, informes, lote
from autograder.entregas import Entrega
from solutions.talleres import TALLERES

TALLER = TALLERES["xor-retropropagacion"]


def _resultado(superados, ocultos=5, publica_falla=False, falta=False):
    """Resultado con backProp superando ``superados`` de ``ocultos`` casos y entrenarRed bien."""
    r = lote._resultado_base(Entrega("ana"), TALLER)
    for f, info in r["funciones"].items():
        info.update(falta=False, ocultos=ocultos, casos=ocultos + 1, puntos=info["max"])
    info = r["funciones"]["backProp"]
    info["falta"] = falta
    info["fallos"] = [{"id": f"backProp:{i}", "descripcion": "x", "problemas": ["mal"]}
                      for i in range(ocultos - superados)]
    if publica_falla:
        info["fallos"].append({"id": "backProp:publicas", "descripcion": "p", "problemas": ["mal"], "publica": True})
    info["puntos"] = 0 if info["fallos"] or falta else info["max"]
    r["puntos"] = sum(i["puntos"] for i in r["funciones"].values())
    return r


def test_proporcional_da_la_fraccion_de_casos_ocultos_redondeada():
    maximo = TALLER.puntos["backProp"]
    r = credito.aplicar(_resultado(2, ocultos=3), TALLER, "proporcional")
    assert r["funciones"]["backProp"]["puntos"] == round(maximo * 2 / 3, 2)
    assert r["puntos"] == round(round(maximo * 2 / 3, 2) + TALLER.puntos["entrenarRed"], 2)
    assert credito.texto_casos(r["funciones"]["backProp"]) == "2/3"
    assert "supera 2 de 3 casos ocultos" in informes.retroalimentacion(r, TALLER)
    # «todo» (por defecto) no cambia nada: 0 puntos si falla un caso.
    assert credito.aplicar(_resultado(2, ocultos=3), TALLER, "todo")["funciones"]["backProp"]["puntos"] == 0
    assert credito.aplicar(_resultado(0, falta=True), TALLER, "proporcional")["funciones"]["backProp"]["puntos"] == 0


def test_las_pruebas_publicas_dan_el_mismo_veredicto_en_los_dos_modos():
    """Quien no pasa su autocomprobación pública no tiene todos los puntos en ningún modo."""
    for modo in credito.MODOS:
        r = credito.aplicar(_resultado(5, publica_falla=True), TALLER, modo)
        assert r["funciones"]["backProp"]["puntos"] < TALLER.puntos["backProp"], modo
        assert "las pruebas públicas" in informes.retroalimentacion(r, TALLER) or modo == "todo"
        bien = credito.aplicar(_resultado(5), TALLER, modo)
        assert bien["funciones"]["backProp"]["puntos"] == TALLER.puntos["backProp"], modo
    r = credito.aplicar(_resultado(5, publica_falla=True), TALLER, "proporcional")
    assert r["funciones"]["backProp"]["puntos"] == round(TALLER.puntos["backProp"] * 4 / 5, 2)
    assert "y no pasa sus pruebas públicas" in informes.retroalimentacion(r, TALLER)
