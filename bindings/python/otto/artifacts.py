"""optuna.artifacts with Optuna's names: files linked to a study or a trial,
kept in a file-system artifact store, their metadata in the trial's system
attrs (a study's: in hidden study attrs) as Optuna records them."""
import json
import mimetypes
import os
import shutil
import uuid
from dataclasses import asdict, dataclass

_PREFIX = "artifacts:"
_STUDY_PREFIX = "\ufdd0" + _PREFIX  # hidden from Study.user_attrs
DEFAULT_MIME_TYPE = "application/octet-stream"


class ArtifactNotFound(Exception):
    """No artifact has that id in the store."""


@dataclass
class ArtifactMeta:
    """What get_all_artifact_meta lists for each artifact."""
    artifact_id: str
    filename: str
    mimetype: str
    encoding: str = None


class FileSystemArtifactStore:
    """Artifacts as files named by their id in base_path."""

    def __init__(self, base_path):
        self._base_path = os.fspath(base_path)

    def _path(self, artifact_id):
        path = os.path.join(self._base_path, artifact_id)
        base = os.path.abspath(self._base_path)
        if os.path.isabs(artifact_id) or os.path.commonpath([base, os.path.abspath(path)]) != base:
            raise ValueError(f"Invalid artifact_id: {artifact_id}")
        return path

    def open_reader(self, artifact_id):
        try:
            return open(self._path(artifact_id), "rb")
        except FileNotFoundError as e:
            raise ArtifactNotFound(f"artifact {artifact_id} not found") from e

    def write(self, artifact_id, content_body):
        with open(self._path(artifact_id), "wb") as f:
            shutil.copyfileobj(content_body, f)

    def remove(self, artifact_id):
        try:
            os.remove(self._path(artifact_id))
        except FileNotFoundError as e:
            raise ArtifactNotFound(f"artifact {artifact_id} not found") from e


def upload_artifact(*, artifact_store, file_path, study_or_trial, storage=None, mimetype=None,
                    encoding=None):
    """Copy file_path into the store and link it to a study or a running
    trial; returns the new artifact's id."""
    from .study import Study
    from .trial import Trial
    filename = os.path.basename(file_path)
    artifact_id = str(uuid.uuid4())
    guessed, guessed_encoding = mimetypes.guess_type(filename)
    meta = json.dumps(asdict(ArtifactMeta(artifact_id, filename,
                                          mimetype or guessed or DEFAULT_MIME_TYPE,
                                          encoding or guessed_encoding)))
    if isinstance(study_or_trial, Trial):
        study_or_trial.set_system_attr(_PREFIX + artifact_id, meta)
    elif isinstance(study_or_trial, Study):
        study_or_trial._set_hidden_attr(_STUDY_PREFIX + artifact_id, meta)
    else:
        raise TypeError("upload_artifact links to a Study or a running Trial (otto's finished "
                        "trials are immutable)")
    with open(file_path, "rb") as f:
        artifact_store.write(artifact_id, f)
    return artifact_id


def get_all_artifact_meta(study_or_trial, *, storage=None):
    """The ArtifactMeta of every artifact linked to a study or a trial (a
    study's own, not its trials')."""
    from .study import Study
    if isinstance(study_or_trial, Study):
        items, prefix = study_or_trial._study_attrs().items(), _STUDY_PREFIX
    else:
        items, prefix = study_or_trial.system_attrs.items(), _PREFIX
    return [ArtifactMeta(**json.loads(value)) for key, value in items
            if key.startswith(prefix)]


def download_artifact(*, artifact_store, file_path, artifact_id):
    """Copy an artifact out of the store into file_path (which must not exist)."""
    if os.path.exists(file_path):
        raise FileExistsError(f"File already exists: {file_path}")
    with artifact_store.open_reader(artifact_id) as reader, open(file_path, "wb") as writer:
        shutil.copyfileobj(reader, writer)
