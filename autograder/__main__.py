"""Punto de entrada: ``python -m autograder``."""
import sys
from pathlib import Path

_RAIZ = str(Path(__file__).resolve().parents[1])
if _RAIZ not in sys.path:  # el calificador importa la referencia (solutions) del repositorio
    sys.path.insert(0, _RAIZ)

from autograder.cli import main  # noqa: E402

sys.exit(main())
