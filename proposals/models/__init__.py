"""The participation domain's models, one module per concern (consultation, document, proposal, …)."""

from .commitment import (  # noqa: F401
    OPEN_COMMITMENT_STATUSES,
    Commitment,
    CommitmentEvidence,
    CommitmentFollow,
    CommitmentStatus,
    CommitmentTransition,
    CommitmentUpdate,
    EvidenceKind,
    MeasureKind,
    ResponsibleBody,
    UpdateState,
)
from .consultation import Consultation, ConsultationStatus, ConsultationTransition, Phase  # noqa: F401
from .document import Article, ArticleIdentity, Document, DocumentVersion, Paragraph, Section  # noqa: F401
from .hearing import (  # noqa: F401
    AgendaItem,
    Hearing,
    HearingDiscussion,
    HearingDocument,
    HearingFormat,
    HearingRegistration,
    HearingStatus,
    HearingTransition,
    RegistrationStatus,
    SpeakerRequest,
)
from .moderation import DuplicateBand, ModerationCase, Report  # noqa: F401
from .outcome_report import OutcomeReport, ReportFormat, ReportState  # noqa: F401
from .proposal import (  # noqa: F401
    Attachment,
    Comment,
    CommentLike,
    Follow,
    Proposal,
    ProposalStatus,
    ProposalTransition,
    RetainedSupport,
    Support,
    SupportTally,
    Topic,
)
from .response import (  # noqa: F401
    CommissionAssignment,
    CommissionNote,
    MissedDeadline,
    ObligationRule,
    ProposalResponse,
    ResponseState,
    ResponseStatus,
    ResponseTemplate,
    ResponseTransition,
)
