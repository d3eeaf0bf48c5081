"""El secreto de una entrega recogida por el intercambio de nbgrader, para que le llegue su retroalimentación.

``nbgrader submit`` guarda en la entrega y en la caché del estudiante un ``submission_secret.txt``;
``nbgrader release_feedback`` nombra la retroalimentación de cada estudiante con ese secreto y
``nbgrader fetch_feedback`` la busca con el de su caché. Si la entrega viene de ``nbgrader collect``
(``<usuario del hub>/<taller>/``, con el ``timestamp.txt`` de nbgrader, ver ``entregas.Entrega.marca``),
su secreto se copia a ``autograded/`` antes de que el gradebook escriba uno nuevo. Un secreto que
sube el estudiante a Moodle o Canvas no cuenta: esas entregas no usan el intercambio.
"""
import re
from pathlib import Path

_SECRETO = re.compile(r"[0-9a-f]{32,256}")  # nbgrader escribe secrets.token_hex(64)


def copiar_secreto(entrega, curso, taller):
    """Copia el ``submission_secret.txt`` de nbgrader de ``entrega`` a ``autograded/``; cierto si lo copió."""
    if entrega is None or entrega.marca is None:
        return False
    origen = Path(entrega.marca).parent / "submission_secret.txt"
    try:
        secreto = origen.read_bytes()[:300].decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return False
    if not _SECRETO.fullmatch(secreto):
        return False
    destino = Path(curso) / "autograded" / entrega.estudiante / taller.id / "submission_secret.txt"
    destino.parent.mkdir(parents=True, exist_ok=True)
    destino.write_text(secreto, encoding="ascii")
    return True
