"""The participation domain's models, one module per concern (consultation, document, proposal, …)."""

from .consultation import Consultation, Phase  # noqa: F401
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
from .proposal import (  # noqa: F401
    Attachment,
    Comment,
    CommentLike,
    Follow,
    Proposal,
    ProposalStatus,
    ProposalTransition,
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
