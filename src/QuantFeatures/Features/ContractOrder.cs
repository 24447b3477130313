namespace QuantFeatures;

/// <summary>Every feature name of the contract (FEATURES.md), in its order. Names are public API.</summary>
internal static class ContractOrder
{
    public static readonly string[] Names =
    [
        // Price
        "return_1", "return_5", "return_20", "return_100", "log_return_1", "log_return_5", "return_1h", "return_4h", "return_1d",
        "momentum_168h", "realized_vol_20", "volatility_20", "volatility_50", "sma_20", "sma_50", "sma_200", "ema_12", "ema_26",
        "price_vs_sma20", "price_vs_sma50", "price_vs_sma200", "zscore_20", "rsi_14", "rsi_50", "macd", "macd_signal", "macd_histogram",
        "atr_14", "natr_14", "bb_width", "bb_position", "adx_14", "plus_di_14", "minus_di_14", "stoch_k_14", "stoch_d_14", "willr_14",
        "cci_20", "dist_high_20", "dist_low_20", "rsv_20", "linreg_slope_20", "rsquare_20", "efficiency_ratio_10", "autocorr_20",
        "skew_20", "kurt_20", "parkinson_vol_20", "garman_klass_vol_20", "rogers_satchell_vol_20", "yang_zhang_vol_20",
        "trend_direction", "market_structure", "kmid", "klen", "kmid2", "kup", "kup2", "klow", "klow2", "ksft", "ksft2",
        // Volume and order flow
        "volume_change", "volume_sma_20", "volume_ratio_20", "volume_roc_10", "volume_zscore_20", "volume_spike_score",
        "turnover_ratio_24h", "obv", "obv_sma_20", "ad", "adosc", "cmf_20", "mfi_14", "force_index_13", "vwap_20", "price_vs_vwap",
        "vwap_session", "price_vs_vwap_session", "price_volume_corr_20", "amihud_20", "roll_spread_20", "corwin_schultz_20",
        "taker_buy_ratio", "buy_sell_ratio", "cvd", "cvd_20", "vpin_50", "avg_trade_size",
        // Open interest
        "oi_change_1", "oi_change_5", "oi_change_20", "oi_velocity_1h", "oi_velocity_4h", "oi_velocity_24h", "oi_sma_20", "oi_sma_50",
        "oi_ema_12", "oi_ema_26", "oi_macd", "oi_macd_signal", "oi_macd_hist", "oi_std_20", "oi_bb_upper", "oi_bb_lower", "oi_bb_position",
        "oi_zscore_100", "oi_percentile_100", "oi_price_divergence_20", "oi_price_divergence_50", "oi_volume_ratio", "oi_volume_divergence_20",
        "oi_regime_5",
        // Funding
        "funding_rate", "funding_rate_change", "funding_rate_change_24h", "funding_annualized", "cumulative_funding_7d", "funding_zscore_30d",
        "funding_percentile_252d", "funding_extreme_positive", "funding_extreme_negative", "minutes_to_funding", "basis", "premium",
        // Liquidations
        "net_liquidation", "liquidation_vol_1h", "long_liq_vol_1h", "short_liq_vol_1h", "liquidation_count_1h", "avg_liq_size_1h",
        "liq_imbalance_1h", "liq_long_short_ratio_1h", "liquidation_intensity", "liq_spike_24h", "liq_zscore_24h",
        // Long/short positioning
        "ls_ratio", "ls_ratio_change_1h", "ls_ratio_change_4h", "ls_ratio_percentile_30d", "top_trader_ls_ratio", "top_trader_position_ratio",
        "ls_top_vs_crowd", "taker_ls_vol_ratio",
        // Time and quality
        "hour_sin", "hour_cos", "dow_sin", "dow_cos", "gap_detected", "volume_anomaly", "data_completeness", "quality_score",
        // Microstructure (from finer sub-bars; computed by the resampler)
        "vwap_deviation", "realized_vol_intrabar", "volume_cv_intrabar", "price_efficiency", "volatility_regime_168h",
    ];
}
