"""La orden ``calificar`` como la lista de sus pasos: recoger, calificar el lote y escribir las salidas.

``cli`` solo analiza las opciones, llama a ``calificar`` e imprime. Cada paso es una función con
nombre: ``_recoger`` (entregas de una carpeta o un .zip, con la lista de clase), ``_lote`` (el
ejecutor local o el de Dask, intercambiables), ``_ejecutar`` (con Ctrl-C), ``_escribir_salidas``
(CSV, xlsx, Moodle, Canvas, resumen) y ``_cerrar_gradebook``.
"""
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from solutions.talleres import TALLERES

from . import etapas
from .aislamiento.sesion import Limites, matar_todos
from .calificacion import retraso
from .lote import recalificacion
from .lote.local import Lote
from .recogida.entregas import EntregasInvalidas, extraer_zip, localizar
from .recogida.fechas import fechar_desde_zip
from .salidas import informe_clase, informes, intercambio, libro_notas, lms, pagina_estudiante, similitud
from .salidas.ficheros import escribir_atomico, escribir_csv

PLAZO_FIGURAS = 120.0  # segundos de espera a la importación de matplotlib y openpyxl en segundo plano


class ErrorDeUso(Exception):
    """Un problema con las opciones o las entradas: el mensaje (en español) dice qué hacer."""


@dataclass
class _Orden:
    """Lo que la orden sabe antes de calificar."""

    args: object
    taller: object
    entregas: Path
    salida: Path
    destinos: object
    curso: Path
    fuente: Path
    limites: Limites
    anterior: object = None  # la calificación anterior de la misma salida (recalificacion)
    plazo: object = None  # plazo y política de retrasos del calendario (retraso)
    recordadas: str = ""  # opciones reutilizadas de la calificación anterior
    publicador: object = None  # --canvas-api
    encontrados: frozenset = frozenset()  # estudiantes con entrega en esta orden


@dataclass
class _Salidas:
    """Lo escrito tras calificar: la clase entera (con las filas conservadas) y lo de esta orden."""

    resultados: list
    de_ahora: list
    analisis: object
    avisos: list
    texto_recalificacion: str


def calificar(args):
    """Orden ``calificar``; devuelve el código de salida (los mensajes de error van a stderr)."""
    try:
        orden = _preparar(args)
    except (ErrorDeUso, lms.EntradaInvalida, recalificacion.SalidaDeOtroTaller, retraso.CalendarioInvalido) as error:
        return _fallar(str(error))
    temporal = Path(tempfile.mkdtemp(prefix="entregas-"))
    try:
        try:
            lista, ajenos = _recoger(orden, temporal)
            lote, errores_del_cluster = _lote(orden, lista)
        except EntregasInvalidas as error:
            return _fallar(str(error))
        if args.desde_cero:
            recalificacion.empezar_de_cero(orden.salida)
        escritor = _escritor_del_gradebook(lote, lista, orden) if _con_gradebook(orden) else None
        figuras = _en_segundo_plano(informes.preparar_figuras)  # también en paralelo con la calificación
        inicio = time.perf_counter()
        try:
            resultados = _ejecutar(lote, orden.salida)
        except errores_del_cluster as error:
            return _fallar(str(error))
        pared = time.perf_counter() - inicio
        salidas = _escribir_salidas(orden, resultados, lista, ajenos, figuras)
        texto_gradebook, avisos = "", salidas.avisos
        if escritor is not None:
            texto_gradebook, avisos_gradebook = _cerrar_gradebook(escritor, orden.curso, orden.taller,
                                                                  salidas.resultados)
            avisos += avisos_gradebook
        recalificacion.guardar(orden.salida, orden.taller.id, salidas.resultados, args, escribir_atomico)
        if orden.publicador is not None:
            lineas_canvas, avisos_canvas = orden.publicador.publicar(salidas.resultados, orden.taller, orden.salida)
            texto_gradebook += "\n" + "\n".join(lineas_canvas)
            avisos += avisos_canvas
    finally:
        shutil.rmtree(temporal, ignore_errors=True)
    _imprimir_final(orden, salidas, texto_gradebook)
    for aviso in avisos:
        print(aviso, file=sys.stderr)
    if args.desglose:
        print(etapas.informe(lote.tiempos, pared, time.perf_counter() - inicio - pared))
    _avisar_de_resultados(salidas.de_ahora, orden.taller)
    return 0


def _imprimir_final(orden, salidas, texto_gradebook):
    """El recuento y las medias, los ficheros para el LMS y qué se recalificó."""
    print(resumen_final(salidas.resultados, orden.taller, orden.salida, salidas.analisis) + texto_gradebook)
    print(ficheros_para_el_lms(orden.salida))
    for texto in (orden.recordadas, salidas.texto_recalificacion,
                  recalificacion.aviso_incompleta(orden.anterior, orden.salida)):
        if texto:
            print(texto, file=sys.stderr if texto.startswith("Aviso") else sys.stdout)


def _preparar(args):
    """Comprueba las opciones y lee la lista de clase y los ficheros del LMS (antes de calificar nada)."""
    problema = _problema_de_uso(args)
    if problema:
        raise ErrorDeUso(problema)
    taller, salida = TALLERES[args.taller], Path(args.salida)
    anterior = recalificacion.leer(salida, taller.id, args.desde_cero)
    plazo, zona = retraso.leer(args.calendario, taller.id)
    recordadas = recalificacion.recordar_opciones(args, anterior)  # antes de leer los ficheros del LMS
    destinos = lms.Destinos.leer(args)
    destinos.zona = zona
    publicador = None
    if args.canvas_api:  # se comprueba antes de calificar: si no sirve, no se califica nada
        from .salidas import canvas_api

        try:
            publicador = canvas_api.Publicador.conectar(args.canvas_api)
        except canvas_api.CanvasApiInvalida as error:
            raise ErrorDeUso(str(error)) from None
    curso = Path(args.curso)
    limites = Limites(tiempo_celda=args.tiempo_max, tiempo_total=args.tiempo_total or 10 * args.tiempo_max,
                      memoria=args.memoria_max * 1024 ** 2)
    return _Orden(args, taller, Path(args.entregas), salida, destinos, curso,
                  libro_notas.cuaderno_fuente(curso, taller), limites, anterior, plazo, recordadas or "",
                  publicador)


def _recoger(orden, temporal):
    """Las entregas, completadas con los estudiantes de la lista que no entregaron; (lista, ajenos)."""
    lista = _localizar(orden.entregas, orden.taller, temporal)
    orden.encontrados = frozenset(e.estudiante for e in lista)
    lista, ajenos = orden.destinos.completar(lista)
    if not lista:
        print(f"Aviso: no hay ninguna entrega en «{orden.args.entregas}». Se esperaba una carpeta por estudiante "
              "o un .ipynb por estudiante.", file=sys.stderr)
    if not orden.fuente.is_file():
        print(f"Aviso: no se encontró el cuaderno fuente {orden.fuente}; las celdas dadas no se restituyen "
              "y no se actualiza el gradebook.", file=sys.stderr)
    return lista, ajenos


def _lote(orden, lista):
    """El ejecutor del lote: local o, con ``--dask``, en el clúster; (lote, errores del clúster)."""
    args = orden.args
    fuente = orden.fuente if orden.fuente.is_file() else None
    if not args.dask:  # sin --dask no se importa Dask
        return Lote(orden.taller, lista, orden.salida, fuente, orden.limites, args.trabajos, args.recalcular,
                    raiz_entregas=orden.entregas, credito=args.credito), ()
    from .lote.distribuido import ErrorDistribuido, LoteDask

    return LoteDask(orden.taller, lista, orden.salida, fuente, orden.limites, args.trabajos, args.recalcular,
                    raiz_entregas=orden.entregas, direccion=args.dask, credito=args.credito), ErrorDistribuido


def _con_gradebook(orden):
    return not orden.args.sin_gradebook and orden.fuente.is_file()


def _ejecutar(lote, salida):
    """Califica el lote; tras un Ctrl-C mata los procesos aislados y sale (lo calificado queda guardado)."""
    try:
        return lote.ejecutar()
    except KeyboardInterrupt:
        matar_todos()
        print("\nInterrumpido. Las entregas ya calificadas están guardadas en "
              f"{salida / '.entregas'}; repite la misma orden para continuar.", file=sys.stderr)
        sys.stderr.flush()
        os._exit(130)


def _escribir_salidas(orden, resultados, lista, ajenos, figuras):
    """Retrasos, filas conservadas, CSV, ficheros del LMS, similitud y resumen (``_Salidas``)."""
    orden.destinos.anotar(resultados, lista)
    avisos_plazo = retraso.aplicar_en_lote(resultados, orden.plazo, orden.taller, orden.salida, escribir_atomico)
    de_ahora = resultados
    resultados, texto_recalificacion = recalificacion.combinar(orden.anterior, resultados, orden.encontrados)
    pagina_estudiante.reescribir_con_nombre(resultados, orden.taller, orden.salida, escribir_atomico)  # «Hola, …»
    escribir_csv(resultados, orden.taller, orden.salida / "calificaciones.csv")
    fuera_de_git(orden.salida)
    avisos = orden.destinos.escribir(resultados, orden.taller, orden.salida, ajenos) + avisos_plazo
    fuente = orden.fuente if orden.fuente.is_file() else None
    analisis = similitud.analizar(lista, orden.taller, fuente)  # posibles copias
    similitud.escribir_csv(analisis, orden.salida / "similitud.csv", escribir_atomico)
    if resultados:
        figuras.join(PLAZO_FIGURAS)  # si no acabó, escribir_resumen importa matplotlib él mismo
        informes.escribir_resumen(resultados, orden.taller, orden.salida, escribir_atomico, analisis)
    return _Salidas(resultados, de_ahora, analisis, avisos, texto_recalificacion)


def _fallar(mensaje):
    print(f"error: {mensaje}", file=sys.stderr)
    return 2


def _en_segundo_plano(funcion):
    """Ejecuta ``funcion`` en un hilo y lo devuelve; sus errores se ignoran (los dará el paso que la
    necesita, en el hilo principal)."""
    def correr():
        try:
            funcion()
        except Exception:
            pass

    hilo = threading.Thread(target=correr, daemon=True)
    hilo.start()
    return hilo


def _escritor_del_gradebook(lote, lista, orden):
    """El escritor del gradebook, que recibe cada entrega en cuanto está calificada (desde un hilo)."""
    escritor = libro_notas.Escritor(orden.curso, orden.taller)
    por_id = {e.estudiante: e for e in lista}

    def al_terminar(resultado):
        try:
            entrega = por_id[resultado["estudiante"]]
            orden.destinos.anotar([resultado], [entrega])  # nombre, correo y fecha de entrega
            intercambio.copiar_secreto(entrega, orden.curso, orden.taller)  # para nbgrader fetch_feedback
            escritor.poner(resultado, entrega.cuaderno)
        except Exception as error:  # el lote sigue; se informa al final, con el nombre del estudiante
            escritor.fallar(resultado["estudiante"], error)

    lote.al_terminar = al_terminar
    return escritor


def _cerrar_gradebook(escritor, curso, taller, resultados):
    """Espera al escritor del gradebook (con plazo); devuelve (texto para el resumen, avisos)."""
    guardadas, faltan = escritor.terminar()
    avisos = []
    if faltan:
        avisos.append(f"Aviso: {len(faltan)} entregas no se escribieron en el gradebook ("
                      + "; ".join(f"{e}: {m}" for e, m in sorted(faltan.items())[:20])
                      + (f"; y {len(faltan) - 20} más" if len(faltan) > 20 else "")
                      + "). Repite la misma orden para completarlo.")
    if escritor.error is not None:
        return f" No se pudo actualizar el gradebook: {type(escritor.error).__name__}: {escritor.error}.", avisos
    if not resultados:
        return "", avisos
    texto = (f" Gradebook actualizado ({guardadas} entregas) en {curso / 'gradebook.db'}; "
             f"formgrader las muestra desde {curso / 'autograded'}.")
    try:
        pendientes = libro_notas.pendientes_de_revision(curso, taller)
    except Exception as error:  # el lote ya está escrito: se informa y se sigue
        avisos.append(f"Aviso: no se pudo leer el gradebook para ver las revisiones pendientes ({error}).")
        pendientes = []
    if pendientes:
        texto += (f" {len(pendientes)} entregas tienen respuestas con puntos pendientes de revisión manual en "
                  "formgrader: los ficheros para el LMS llevan solo la nota automática. Tras revisarlas, "
                  "python -m autograder nota-final escribe la nota final.")
    try:
        aviso = libro_notas.aviso_puntos_manuales(curso, taller)
    except Exception:  # solo un aviso: el lote ya está escrito
        aviso = None
    return texto, avisos + ([aviso] if aviso else [])


def _problema_de_uso(args):
    """Qué está mal en los argumentos de ``calificar`` (en español, con qué hacer), o ``None``."""
    if args.taller not in TALLERES:
        return (f"no existe el taller «{args.taller}». Los talleres son: {', '.join(TALLERES)}.\n"
                f"Ejemplo: python -m autograder calificar xor-retropropagacion entregas/ --salida notas/")
    entregas_ruta, salida = Path(args.entregas), Path(args.salida)
    if not entregas_ruta.exists():
        return (f"no existe «{args.entregas}». Indica la carpeta o el fichero .zip con las entregas "
                "(una por estudiante).")
    if entregas_ruta.is_file() and entregas_ruta.suffix.lower() != ".zip":
        return f"«{args.entregas}» es un fichero pero no un .zip. Indica una carpeta o un .zip."
    if salida.exists() and not salida.is_dir():
        return f"«{args.salida}» existe y no es una carpeta. Elige otra ruta para --salida."
    if salida.resolve() == entregas_ruta.resolve() or entregas_ruta.resolve() in salida.resolve().parents:
        return "la carpeta de --salida no puede estar dentro de las entregas: elige otra."
    if bool(args.canvas) != bool(args.canvas_columna):
        return ("--canvas y --canvas-columna van juntas: el libro exportado de Canvas y la cabecera de la "
                "columna del taller, p. ej. --canvas libro.csv --canvas-columna \"Taller 3 (12345)\".")
    return None


def _localizar(entregas_ruta, taller, temporal):
    """Las entregas de una carpeta o de un .zip (lanza ``EntregasInvalidas`` si el .zip no vale)."""
    if not entregas_ruta.is_file():
        return localizar(entregas_ruta, taller, temporal=temporal / "internos")
    extraidas = extraer_zip(entregas_ruta, temporal / "zip")
    fechar_desde_zip(entregas_ruta, extraidas)  # la fecha de cada entrega en la descarga del LMS
    return localizar(extraidas, taller, desanidar=True, temporal=temporal / "internos")


def _avisar_de_resultados(resultados, taller):
    """Avisos que se deducen del lote entero: ¿es el taller correcto?, ¿el aislamiento fue parcial?"""
    leidas = [r for r in resultados if r["estado"] not in ("sin_entrega", "error")]
    if leidas and all(all(f["falta"] for f in r["funciones"].values()) for r in leidas):
        print(f"Aviso: ninguna entrega define las funciones de {taller.id} ({', '.join(taller.funciones)}). "
              "¿Es el taller correcto?", file=sys.stderr)
    avisos = sorted({a for r in resultados for a in r.get("avisos_aislamiento", [])})
    if avisos:
        print("Atención: el aislamiento fue parcial (" + "; ".join(avisos) + "). Lee «Ante una clase hostil» "
              "en el README antes de calificar entregas de las que no te fías.", file=sys.stderr)


#: Lo que se sube al LMS o se abre en una hoja de cálculo, en el orden en que se lista al terminar.
FICHEROS_PARA_EL_LMS = (("calificaciones.csv", "notas (CSV)"), ("calificaciones.xlsx", "notas (Excel)"),
                        ("moodle/hoja-calificada.csv", "hoja de Moodle para importar"),
                        ("moodle/retroalimentacion.zip", "retroalimentación para Moodle"),
                        ("canvas/calificaciones-canvas.csv", "importación del libro de Canvas"))


def fuera_de_git(salida):
    """Deja en ``salida`` un .gitignore que la excluye entera: lleva notas y datos personales."""
    ignorar = Path(salida) / ".gitignore"
    if not ignorar.exists():
        ignorar.write_text("# Notas y datos personales de los estudiantes (python -m autograder calificar):\n"
                           "# nunca en git. Borra este fichero solo si sabes lo que haces.\n*\n", encoding="utf-8")


def ficheros_para_el_lms(salida):
    """Lista de los ficheros para el LMS que hay en ``salida`` tras calificar."""
    lineas = [f"  {salida / ruta}  ({que})" for ruta, que in FICHEROS_PARA_EL_LMS if (salida / ruta).is_file()]
    return "Ficheros escritos para el LMS:\n" + "\n".join(lineas) if lineas else ""


def resumen_final(resultados, taller, salida, analisis=None):
    calificadas = [r for r in resultados if r["estado"] in ("ok", "sospechosa", "fuera_de_plazo")]
    agotadas = [r for r in resultados if r["estado"] == "tiempo_agotado"]
    con_error = [r for r in resultados if r["estado"] == "error"]
    sin = [r for r in resultados if r["estado"] == "sin_entrega"]
    sospechosas = [r for r in resultados if r["estado"] == "sospechosa"]
    vacias = informe_clase.vacias(resultados, analisis)  # sin cuaderno o sin nada propio
    notas = [r["puntos"] for r in resultados]
    llenas = [r["puntos"] for r in resultados if r["estudiante"] not in vacias]
    media = sum(notas) / len(notas) if notas else 0.0
    media_llenas = f"{sum(llenas) / len(llenas):.2f}" if llenas else "—"
    return (f"Taller {taller.id}: {len(resultados)} entregas, {len(calificadas)} calificadas, "
            f"{len(agotadas)} con el tiempo agotado, {len(con_error)} con error, {len(sin)} sin entrega, "
            f"{len(sospechosas)} sospechosas. "
            f"Media: {media:.2f} de {taller.puntos_max:g} puntos; {media_llenas} sin las entregas vacías "
            f"({len(vacias)}). "
            f"Notas en {salida / 'calificaciones.csv'}, retroalimentación en {salida / 'retroalimentacion'}/ "
            f"y resumen en {salida / 'resumen.html'}.")
