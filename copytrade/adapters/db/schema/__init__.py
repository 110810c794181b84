"""The relational schema, one module per area; importing this registers every table."""

from copytrade.adapters.db.schema.accounts import AccountRow, InstrumentRow, ProviderRow
from copytrade.adapters.db.schema.alerts import AlertFiringRow, AlertRuleRow
from copytrade.adapters.db.schema.base import Base
from copytrade.adapters.db.schema.copying import (
    CopyDecisionRow,
    RelationshipRow,
    SettingsChangeRow,
    SettlementRow,
)
from copytrade.adapters.db.schema.fees import SubscriptionChargeRow
from copytrade.adapters.db.schema.identity import (
    ApiKeyRow,
    ApiSessionRow,
    JurisdictionRow,
    RiskAcknowledgementRow,
    UserRow,
)
from copytrade.adapters.db.schema.jobs import ScheduledJobRow
from copytrade.adapters.db.schema.ledger import (
    LedgerBalanceRow,
    LedgerEntryRow,
    LedgerTransferRow,
)
from copytrade.adapters.db.schema.live import LiveFeeOwedRow, LiveRelationshipRow
from copytrade.adapters.db.schema.messaging import OutboxRow, ProcessedMessageRow, StreamCursorRow
from copytrade.adapters.db.schema.notifications import (
    AlertChannelRow,
    AlertDeliveryRow,
    AlertNotificationReadRow,
)
from copytrade.adapters.db.schema.paper import (
    PaperBalanceRow,
    PaperCashMoveRow,
    PaperFillRow,
    PaperFundingRow,
    PaperOrderRow,
    PaperPositionRow,
    PaperPriceRow,
)
from copytrade.adapters.db.schema.price_marks import PriceMarkRow
from copytrade.adapters.db.schema.risk_alerts import RiskFiringRow, RiskRuleRow
from copytrade.adapters.db.schema.stats import (
    EquitySnapshotRow,
    ProviderFillFiguresRow,
    ProviderStatsRow,
)
from copytrade.adapters.db.schema.tallies import TradeDayTallyRow, TradeTotalTallyRow
from copytrade.adapters.db.schema.trading import FillRow, OrderRow, PositionRow, TradeRow
from copytrade.adapters.db.schema.venues import ExchangeTradeCursorRow, LinkedExchangeAccountRow

__all__ = [
    "AccountRow",
    "AlertChannelRow",
    "AlertDeliveryRow",
    "AlertFiringRow",
    "AlertNotificationReadRow",
    "AlertRuleRow",
    "ApiKeyRow",
    "ApiSessionRow",
    "Base",
    "CopyDecisionRow",
    "EquitySnapshotRow",
    "ExchangeTradeCursorRow",
    "FillRow",
    "InstrumentRow",
    "JurisdictionRow",
    "LedgerBalanceRow",
    "LedgerEntryRow",
    "LedgerTransferRow",
    "LinkedExchangeAccountRow",
    "LiveFeeOwedRow",
    "LiveRelationshipRow",
    "OrderRow",
    "OutboxRow",
    "PaperBalanceRow",
    "PaperCashMoveRow",
    "PaperFillRow",
    "PaperFundingRow",
    "PaperOrderRow",
    "PaperPositionRow",
    "PaperPriceRow",
    "PositionRow",
    "PriceMarkRow",
    "ProcessedMessageRow",
    "ProviderFillFiguresRow",
    "ProviderRow",
    "ProviderStatsRow",
    "RelationshipRow",
    "RiskAcknowledgementRow",
    "RiskFiringRow",
    "RiskRuleRow",
    "ScheduledJobRow",
    "SettingsChangeRow",
    "SettlementRow",
    "StreamCursorRow",
    "SubscriptionChargeRow",
    "TradeDayTallyRow",
    "TradeRow",
    "TradeTotalTallyRow",
    "UserRow",
]
