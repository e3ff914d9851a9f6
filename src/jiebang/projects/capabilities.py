"""The capability vocabulary shared by projects (required capabilities), units (what they can
do, for 派单) and experts (specialties, for matching). Tags stay free text in the database; this
list is what forms suggest and the demo draws from."""

CAPABILITY_TAGS = [
    "流程再造",
    "信息化",
    "互联网医疗",
    "中医药",
    "护理服务",
    "全科医学",
    "慢病管理",
    "妇幼保健",
    "老年医学",
    "医养结合",
    "心理健康",
    "急诊急救",
    "医保支付",
    "检验检查",
    "公共卫生",
    "人才培养",
    "药事服务",
    "康复医学",
    "疼痛诊疗",
    "志愿服务",
    "法治建设",
    "健康教育",
    "外科微创",
    "医院管理",
]
